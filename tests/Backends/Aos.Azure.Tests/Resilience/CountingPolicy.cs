using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Aos.Azure.Tests.Resilience;

/// <summary>Counts (and keeps the method and path of) the requests an Azure client sends, and can lose the answer of chosen ones after the service has handled them.</summary>
internal sealed class CountingPolicy : HttpPipelinePolicy
{
    private readonly List<string> _sent = [];
    private int _count;

    /// <summary>Gets the number of requests sent since the last <see cref="Reset"/>.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets or sets which requests lose their answer: the request is sent and handled, then the client sees no response, once each.</summary>
    public Func<HttpMessage, bool>? LoseAnswer { get; set; }

    /// <summary>Gets or sets what happens after an answer is lost and before the client sees the failure: another writer's change.</summary>
    public Func<Task>? OnLost { get; set; }

    /// <summary>Counts the requests sent since the last <see cref="Reset"/> whose method and path contain a text (<c>comp=blocklist</c>: the commit of an upload).</summary>
    public int CountOf(string text)
    {
        lock (_sent)
        {
            return _sent.Count(r => r.Contains(text, StringComparison.Ordinal));
        }
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
        lock (_sent)
        {
            _sent.Clear();
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException("The stores call asynchronously.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _count);
        lock (_sent)
        {
            _sent.Add(message.Request.Method + " " + message.Request.Uri.ToUri().PathAndQuery);
        }

        await ProcessNextAsync(message, pipeline);
        if (LoseAnswer is { } lose && lose(message))
        {
            LoseAnswer = null;
            if (OnLost is { } other)
            {
                OnLost = null;
                await other();
            }

            throw new RequestFailedException(0, "The connection dropped before the answer arrived.", new IOException("The answer was lost."));
        }
    }
}
