using System.Collections.Concurrent;
using Aos.Kernel.Messaging;
using Aos.Messaging;

namespace Aos.Kernel.Tests.Messaging;

/// <summary>Lets a test wait, with an explicit barrier, until the dispatcher has settled a message for a recipient.</summary>
internal sealed class Settlements : IDisposable
{
    private readonly MessageDispatcher _dispatcher;
    private readonly ConcurrentDictionary<(string Id, string Recipient), TaskCompletionSource<string>> _final = new();
    private readonly ConcurrentQueue<(string Id, string Recipient, string Outcome)> _all = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);

    public Settlements(MessageDispatcher dispatcher)
    {
        _dispatcher = dispatcher;
        _dispatcher.Settled += OnSettled;
    }

    /// <summary>Gets every settlement seen, in order, retries included.</summary>
    public IReadOnlyList<(string Id, string Recipient, string Outcome)> All => [.. _all];

    /// <summary>Waits until the message is delivered or dead-lettered for the recipient, and returns how ("delivered" or the reason).</summary>
    public Task<string> WaitAsync(string messageId, AgentId recipient) =>
        Final(messageId, recipient.Value).Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    /// <summary>Waits for the next settlement of any message for the recipient (bounded, so a check that raced it still goes on).</summary>
    public async Task NextAsync(AgentId recipient)
    {
        var next = _next.GetOrAdd(recipient.Value, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await next.Task.WaitAsync(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            // The settlement happened between the caller's check and this wait: the caller checks again.
        }

        _next.TryRemove(new KeyValuePair<string, TaskCompletionSource>(recipient.Value, next));
    }

    public void Dispose() => _dispatcher.Settled -= OnSettled;

    private void OnSettled(TransportMessage message, string outcome)
    {
        _all.Enqueue((message.Envelope.Id, message.Recipient.Value, outcome));
        if (_next.TryRemove(message.Recipient.Value, out var next))
        {
            next.TrySetResult();
        }

        if (outcome != "retry")
        {
            Final(message.Envelope.Id, message.Recipient.Value).TrySetResult(outcome);
        }
    }

    private TaskCompletionSource<string> Final(string id, string recipient) =>
        _final.GetOrAdd((id, recipient), _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}
