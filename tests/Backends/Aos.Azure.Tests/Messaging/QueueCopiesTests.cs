using Aos.Azure.Messaging;

namespace Aos.Azure.Tests.Messaging;

/// <summary>Checks that a settled message leaves no queue copy behind, whichever of the receive loop and the settlement comes first.</summary>
public sealed class QueueCopiesTests
{
    [Fact]
    public void Settle_AfterTheCopyWasDeferred_ReturnsTheCopyToRemove()
    {
        var copies = new QueueCopies();
        copies.Expect(1);
        Assert.True(copies.TryAdopt(1));
        Assert.True(copies.Deferred(1, 501));

        Assert.Equal(501, copies.Settle(1));
        Assert.Null(copies.Settle(1));
    }

    [Fact]
    public void Settle_BeforeTheLoopSawTheCopy_LoopCompletesIt()
    {
        var copies = new QueueCopies();
        copies.Expect(1);

        Assert.Null(copies.Settle(1));

        Assert.False(copies.TryAdopt(1));
        Assert.False(copies.TryAdopt(1));
    }

    [Fact]
    public void Settle_WhileTheLoopDefersTheCopy_LoopRemovesIt()
    {
        var copies = new QueueCopies();
        copies.Expect(1);
        Assert.True(copies.TryAdopt(1));

        Assert.Null(copies.Settle(1));

        Assert.False(copies.Deferred(1, 501));
        Assert.Null(copies.Settle(1));
    }

    [Fact]
    public void TryAdopt_UnknownOrForgottenCopy_IsCompleted()
    {
        var copies = new QueueCopies();
        copies.Expect(2);
        copies.Forget(2);

        Assert.False(copies.TryAdopt(1));
        Assert.False(copies.TryAdopt(2));
    }

    [Fact]
    public void Track_CopyDeferredBeforeARestart_IsRemovedOnSettle()
    {
        var copies = new QueueCopies();
        copies.Track(7, 900);

        Assert.False(copies.TryAdopt(7));
        Assert.Equal(900, copies.Settle(7));
    }
}
