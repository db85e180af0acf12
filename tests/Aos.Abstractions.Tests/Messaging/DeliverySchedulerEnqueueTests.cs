using Aos.Messaging;

namespace Aos.Abstractions.Tests.Messaging;

/// <summary>Storing through a transport's own writes: recipients concurrently, one recipient's messages in order, failures released.</summary>
public sealed class DeliverySchedulerEnqueueTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnqueueEach_StoresDifferentRecipientsConcurrently_AndOneRecipientsMessagesInOrder()
    {
        using var scheduler = new DeliveryScheduler(TimeProvider.System);
        var fanOut = Enumerable.Range(0, 10).Select(i => Message("fan", "agent-" + i)).ToList();
        var inOrder = Enumerable.Range(0, 5).Select(i => Message("m" + i, "single")).ToList();
        var allFanOutStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var stored = new System.Collections.Concurrent.ConcurrentQueue<string>();
        long sequence = 0;

        var outcomes = await scheduler.EnqueueEachAsync(
            [.. fanOut, .. inOrder],
            capacity: 100,
            admitOverCapacity: false,
            async (message, _) =>
            {
                if (message.Envelope.Id == "fan")
                {
                    // Each fan-out store waits until all ten have started: they only finish if they run at once.
                    if (Interlocked.Increment(ref started) == fanOut.Count)
                    {
                        allFanOutStarted.TrySetResult();
                    }

                    await allFanOutStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct); // A guard against a hang, not a timing: stored one by one, they never finish.
                }
                else
                {
                    await Task.Yield();
                    stored.Enqueue(message.Envelope.Id);
                }

                return message with { Sequence = Interlocked.Increment(ref sequence) };
            },
            (_, _) => ValueTask.CompletedTask,
            now: 0,
            Ct);

        Assert.All(outcomes, o => Assert.Equal(EnqueueOutcome.Accepted, o));
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], stored);
        Assert.Equal(15, scheduler.Count);
    }

    [Fact]
    public async Task EnqueueEach_WhenAStoreFails_KeepsWhatWasStored_ReleasesTheRest_AndThrows()
    {
        using var scheduler = new DeliveryScheduler(TimeProvider.System);
        var messages = new[] { Message("a1", "a"), Message("a2", "a"), Message("a3", "a"), Message("b1", "b") };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await scheduler.EnqueueEachAsync(
            messages,
            capacity: 2,
            admitOverCapacity: false,
            (message, _) => message.Envelope.Id == "a2"
                ? throw new InvalidOperationException("the server is gone")
                : ValueTask.FromResult<TransportMessage?>(message with { Sequence = Array.IndexOf(messages, message) + 1 }),
            (_, _) => ValueTask.CompletedTask,
            now: 0,
            Ct));

        Assert.Equal("the server is gone", error.Message);
        Assert.Equal(1, scheduler.Depth("a")); // a1 stored; a2 failed; a3 (refused: a full inbox of 2 reserved) not tried.
        Assert.Equal(1, scheduler.Depth("b"));

        // The failed message's reservation was given back: the inbox takes another one.
        var retried = await scheduler.EnqueueEachAsync(
            [Message("a2", "a")],
            capacity: 2,
            admitOverCapacity: false,
            (message, _) => ValueTask.FromResult<TransportMessage?>(message with { Sequence = 9 }),
            (_, _) => ValueTask.CompletedTask,
            now: 0,
            Ct);
        Assert.Equal([EnqueueOutcome.Accepted], retried);
        Assert.Equal(2, scheduler.Depth("a"));
    }

    private static TransportMessage Message(string id, string recipient) =>
        TransportMessage.For(new Envelope { Id = id, Type = "test", Target = AgentId.Parse(recipient) }, AgentId.Parse(recipient));
}
