using Aos.Storage;

namespace Aos.Conformance.Storage;

/// <summary>Defines the behaviour every <see cref="IQueueStore"/> must have.</summary>
public abstract class QueueStoreConformanceTests : StorageConformanceTests
{
    /// <summary>Gets the visibility timeout and delay the tests use: a store on a real clock needs one longer than any pause between two calls of a test on a loaded machine.</summary>
    protected virtual TimeSpan Visibility => TimeSpan.FromSeconds(1);

    private IQueueStore Store => Provider.GetQueueStore(StoreName, new QueueStoreOptions { MaxDequeueCount = 3 });

    [Fact]
    public async Task ReceiveAsync_HidesTheMessageUntilCompletedOrTimedOut()
    {
        var id = await Store.EnqueueAsync("work-1", cancellationToken: Ct);

        var first = Assert.Single(await Store.ReceiveAsync(10, Visibility, Ct));

        Assert.Equal(id, first.Id);
        Assert.Equal("work-1", first.Body);
        Assert.Equal(1, first.DequeueCount);
        Assert.NotNull(first.PopReceipt);
        Assert.Empty(await Store.ReceiveAsync(10, Visibility, Ct));

        await AdvanceAsync(Visibility + TimeSpan.FromMilliseconds(500));
        var second = Assert.Single(await Store.ReceiveAsync(10, Visibility, Ct));
        Assert.Equal(id, second.Id);
        Assert.Equal(2, second.DequeueCount);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.CompleteAsync(first, Ct));
        await Store.CompleteAsync(second, Ct);
        await AdvanceAsync(Visibility + TimeSpan.FromMilliseconds(500));
        Assert.Empty(await Store.ReceiveAsync(10, Visibility, Ct));
        Assert.Empty(await Store.PeekAsync(10, Ct));
    }

    [Fact]
    public async Task EnqueueAsync_WithDelay_IsInvisibleUntilTheDelayPasses()
    {
        await Store.EnqueueAsync("later", Visibility, Ct);
        await Store.EnqueueAsync("now", cancellationToken: Ct);

        var received = await Store.ReceiveAsync(10, TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(["now"], received.Select(m => m.Body));

        await AdvanceAsync(Visibility + TimeSpan.FromMilliseconds(500));
        Assert.Equal(["later"], (await Store.ReceiveAsync(10, TimeSpan.FromSeconds(30), Ct)).Select(m => m.Body));
    }

    [Fact]
    public async Task ReceiveAsync_ReturnsAtMostMaxMessages()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.EnqueueAsync($"m{i}", cancellationToken: Ct);
        }

        var first = await Store.ReceiveAsync(3, TimeSpan.FromSeconds(30), Ct);
        var rest = await Store.ReceiveAsync(32, TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(3, first.Count);
        Assert.Equal(2, rest.Count);
        Assert.Equal(5, first.Concat(rest).Select(m => m.Body).Distinct().Count());
    }

    [Fact]
    public async Task PeekAsync_ShowsWithoutReceiving()
    {
        await Store.EnqueueAsync("a", cancellationToken: Ct);

        var peeked = Assert.Single(await Store.PeekAsync(10, Ct));
        Assert.Null(peeked.PopReceipt);
        Assert.Equal(0, peeked.DequeueCount);

        var received = Assert.Single(await Store.ReceiveAsync(10, Visibility, Ct));
        Assert.Equal(1, received.DequeueCount);
        Assert.Empty(await Store.PeekAsync(10, Ct));
    }

    [Fact]
    public async Task ReceiveAsync_AfterMaxDequeueCount_MovesTheMessageToDeadLetters()
    {
        await Store.EnqueueAsync("poison", cancellationToken: Ct);
        await Store.EnqueueAsync("fine", cancellationToken: Ct);
        for (var i = 1; i <= 3; i++)
        {
            var received = await Store.ReceiveAsync(10, Visibility, Ct);
            Assert.Contains(received, m => m.Body == "poison" && m.DequeueCount == i);
            if (received.FirstOrDefault(m => m.Body == "fine") is { } fine)
            {
                await Store.CompleteAsync(fine, Ct);
            }

            await AdvanceAsync(Visibility + TimeSpan.FromMilliseconds(500));
        }

        await AdvanceAsync(Visibility + TimeSpan.FromMilliseconds(500));
        Assert.Empty(await Store.ReceiveAsync(10, Visibility, Ct));
        var dead = Assert.Single(await Store.PeekDeadLettersAsync(10, Ct));
        Assert.Equal("poison", dead.Body);
        Assert.Equal(3, dead.DequeueCount);
        Assert.Null(dead.PopReceipt);
    }

    [Fact]
    public async Task DeadLetters_Received_AreRequeuedWithAFreshBudget_OrDeletedForGood()
    {
        await PoisonAsync("poison-a", "poison-b");

        var dead = await Store.ReceiveDeadLettersAsync(10, Visibility, Ct);
        Assert.Equal(["poison-a", "poison-b"], dead.Select(d => d.Body).Order());
        Assert.All(dead, d => Assert.Equal(3, d.DequeueCount));
        Assert.All(dead, d => Assert.NotNull(d.PopReceipt));
        Assert.Empty(await Store.ReceiveDeadLettersAsync(10, Visibility, Ct));

        var a = dead.Single(d => d.Body == "poison-a");
        var b = dead.Single(d => d.Body == "poison-b");
        var requeued = await Store.RequeueDeadLetterAsync(a, Ct);
        await Store.DeleteDeadLetterAsync(b, Ct);

        var again = Assert.Single(await Store.ReceiveAsync(10, Visibility, Ct));
        Assert.Equal((requeued, "poison-a", 1), (again.Id, again.Body, again.DequeueCount));
        await Store.CompleteAsync(again, Ct);
        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.RequeueDeadLetterAsync(a, Ct));
        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.DeleteDeadLetterAsync(b, Ct));
        await AdvanceAsync(Visibility + TimeSpan.FromMilliseconds(500));
        Assert.Empty(await Store.ReceiveDeadLettersAsync(10, Visibility, Ct));
        Assert.Empty(await Store.PeekDeadLettersAsync(10, Ct));
        Assert.Empty(await Store.PeekAsync(10, Ct));
    }

    [Fact]
    public async Task DeadLetter_ReceivedButLeft_IsHiddenFromPeek_ComesBackAfterItsTimeout_AndItsOldReceiptChangesNothing()
    {
        await PoisonAsync("poison");
        var first = Assert.Single(await Store.ReceiveDeadLettersAsync(10, Visibility, Ct));
        Assert.Empty(await Store.PeekDeadLettersAsync(10, Ct));
        await AdvanceAsync(Visibility + TimeSpan.FromMilliseconds(500));

        Assert.Equal("poison", Assert.Single(await Store.PeekDeadLettersAsync(10, Ct)).Body);
        var second = Assert.Single(await Store.ReceiveDeadLettersAsync(10, Visibility, Ct));
        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.DeleteDeadLetterAsync(first, Ct));
        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.RequeueDeadLetterAsync(first, Ct));
        Assert.Empty(await Store.PeekAsync(10, Ct));

        Assert.Equal(("poison", 3), (second.Body, second.DequeueCount));
        await Store.DeleteDeadLetterAsync(second, Ct);
        await AdvanceAsync(Visibility + TimeSpan.FromMilliseconds(500));
        Assert.Empty(await Store.ReceiveDeadLettersAsync(10, Visibility, Ct));
    }

    [Fact]
    public async Task DeadLetter_Peeked_CannotBeRequeuedOrDeleted_AndStays()
    {
        await PoisonAsync("poison");
        var peeked = Assert.Single(await Store.PeekDeadLettersAsync(10, Ct));

        await Assert.ThrowsAsync<AosValidationException>(async () => await Store.RequeueDeadLetterAsync(peeked, Ct));
        await Assert.ThrowsAsync<AosValidationException>(async () => await Store.DeleteDeadLetterAsync(peeked, Ct));
        Assert.Equal("poison", Assert.Single(await Store.ReceiveDeadLettersAsync(10, Visibility, Ct)).Body);
    }

    [Fact]
    public async Task CompleteAsync_Twice_ThrowsConflict()
    {
        await Store.EnqueueAsync("a", cancellationToken: Ct);
        var received = Assert.Single(await Store.ReceiveAsync(1, Visibility, Ct));
        await Store.CompleteAsync(received, Ct);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await Store.CompleteAsync(received, Ct));
    }

    [Fact]
    public async Task Queues_WithDifferentNames_AreSeparate()
    {
        await Store.EnqueueAsync("a", cancellationToken: Ct);

        Assert.Empty(await Provider.GetQueueStore(StoreName + "-b").PeekAsync(10, Ct));
    }

    [Fact]
    public async Task EnqueueAsync_TooLargeBody_ThrowsValidationAndStoresNothing()
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await Store.EnqueueAsync(new string('x', StorageValues.MaxQueueBodyBytes + 1), cancellationToken: Ct));

        Assert.True(error.TooLarge);
        Assert.Empty(await Store.PeekAsync(10, Ct));
    }

    /// <summary>Enqueues messages and receives them until they are dead-lettered (the store's maximum is 3 receipts).</summary>
    private async Task PoisonAsync(params string[] bodies)
    {
        foreach (var body in bodies)
        {
            await Store.EnqueueAsync(body, cancellationToken: Ct);
        }

        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(bodies.Length, (await Store.ReceiveAsync(10, Visibility, Ct)).Count);
            await AdvanceAsync(Visibility + TimeSpan.FromMilliseconds(500));
        }

        Assert.Empty(await Store.ReceiveAsync(10, Visibility, Ct));
    }

    [Theory]
    [InlineData(0, 30)]
    [InlineData(33, 30)]
    [InlineData(1, 0)]
    public async Task ReceiveAsync_OutOfRange_ThrowsValidation(int max, int visibilitySeconds) =>
        await Assert.ThrowsAsync<AosValidationException>(async () => await Store.ReceiveAsync(max, TimeSpan.FromSeconds(visibilitySeconds), Ct));

    [Fact]
    public async Task DeleteStoreAsync_RemovesEveryMessage_HiddenAndDeadOnes_LeavesOtherStores_AndTheNameCanBeUsedAgain()
    {
        var other = Provider.GetQueueStore(StoreName + "-o");
        await PoisonAsync("poison");
        await Store.EnqueueAsync("waiting", cancellationToken: Ct);
        await Store.EnqueueAsync("hidden", cancellationToken: Ct);
        await Store.EnqueueAsync("later", TimeSpan.FromHours(1), Ct);
        Assert.NotEmpty(await Store.ReceiveAsync(1, Visibility, Ct));
        await other.EnqueueAsync("kept", cancellationToken: Ct);

        await Provider.DeleteStoreAsync(StoreKind.Queue, StoreName, Ct);
        await Provider.DeleteStoreAsync(StoreKind.Queue, StoreName, Ct);

        Assert.Empty(await Store.PeekAsync(10, Ct));
        Assert.Empty(await Store.PeekDeadLettersAsync(10, Ct));
        await AdvanceAsync(Visibility + TimeSpan.FromMilliseconds(500));
        Assert.Empty(await Store.ReceiveAsync(10, Visibility, Ct));
        Assert.Equal("kept", Assert.Single(await other.PeekAsync(10, Ct)).Body);
        await Store.EnqueueAsync("new", cancellationToken: Ct);
        Assert.Equal("new", Assert.Single(await Store.PeekAsync(10, Ct)).Body);
    }
}
