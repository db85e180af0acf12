using System.Text.Json;
using Aos.Messaging;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Conformance;

/// <summary>
/// Defines the behaviour every message transport must have; a transport's test class derives from it and supplies the transport.
/// </summary>
/// <remarks>
/// The contract: durable before <c>EnqueueAsync</c> returns; duplicates by (message id, recipient); one message in flight per recipient,
/// the most urgent due one first; strict FIFO per order key across retries; delayed retries; dead letters with reasons and replay; inbox
/// capacity with shedding of less urgent messages; messages in flight at a stop are handed out again after the restart.
/// Time runs on a <see cref="FakeTimeProvider"/>; a transport whose delays run on a server's clock overrides <see cref="AdvanceAsync"/>.
/// </remarks>
public abstract class MessageTransportConformanceTests : IAsyncLifetime
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));

    protected MessageBusOptions Options { get; } = new() { InboxCapacity = 100, MaxDeliveryBatch = 1 };

    protected IMessageTransport Transport { get; private set; } = null!;

    protected IMessageLedger Ledger => (IMessageLedger)Transport;

    public virtual async ValueTask InitializeAsync() => Transport = await CreateTransportAsync();

    public virtual async ValueTask DisposeAsync()
    {
        await DisposeTransportAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates the transport under test, empty, on <see cref="Options"/> and <see cref="Time"/>.</summary>
    protected abstract ValueTask<IMessageTransport> CreateTransportAsync();

    /// <summary>Stops the transport and starts it again on the same data, as a node restart would.</summary>
    protected abstract ValueTask<IMessageTransport> RestartTransportAsync();

    protected abstract ValueTask DisposeTransportAsync();

    /// <summary>Moves the transport's clock forward.</summary>
    protected virtual ValueTask AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        return ValueTask.CompletedTask;
    }

    protected async Task RestartAsync() => Transport = await RestartTransportAsync();

    protected static AgentId Agent(string id) => AgentId.Parse(id);

    protected TransportMessage Message(string id, string recipient = "r1", MessagePriority priority = MessagePriority.Normal, string? conversation = null, string source = "s") =>
        TransportMessage.For(
            new Envelope
            {
                Id = id,
                Type = "test.event",
                Source = source,
                Target = Agent(recipient),
                Priority = priority,
                ConversationId = conversation,
                Timestamp = Time.GetUtcNow(),
                Payload = JsonSerializer.SerializeToElement(new { id }),
            },
            Agent(recipient));

    protected async Task<List<TransportMessage>> ReceiveAllAsync(int max = 100)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(10));
        return [.. await Transport.ReceiveAsync(max, cts.Token)];
    }

    /// <summary>Tells whether nothing is ready to be handed out (without waiting on the transport's clock).</summary>
    protected async Task<bool> NothingReadyAsync()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(200));
        try
        {
            var got = await Transport.ReceiveAsync(100, cts.Token);
            Assert.Fail($"Expected nothing ready, got {string.Join(", ", got.Select(m => m.Envelope.Id))}.");
            return false;
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            return true;
        }
    }

    [Fact]
    public async Task Enqueue_ThenReceiveAndComplete_IsDelivered()
    {
        var outcomes = await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct);

        Assert.Equal([EnqueueOutcome.Accepted], outcomes);
        var received = Assert.Single(await ReceiveAllAsync());
        Assert.Equal("m1", received.Envelope.Id);
        Assert.Equal(Agent("r1"), received.Recipient);
        Assert.Equal(0, received.Attempts);
        Assert.Equal("m1", received.Envelope.GetPayload<JsonElement>().GetProperty("id").GetString());
        var pending = Assert.Single(await Ledger.GetAsync("m1", Ct));
        Assert.Equal(MessageStatus.Pending, pending.Status);

        await Transport.CompleteAsync(received, Ct);

        var record = Assert.Single(await Ledger.GetAsync("m1", Ct));
        Assert.Equal(MessageStatus.Delivered, record.Status);
        Assert.Equal(1, record.Attempts);
        Assert.Equal(0, Ledger.GetInboxDepth(Agent("r1")));
    }

    [Fact]
    public async Task Enqueue_SameIdAndRecipientTwice_SecondIsDuplicateAndHandedOutOnce()
    {
        Assert.Equal([EnqueueOutcome.Accepted], await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));
        Assert.Equal([EnqueueOutcome.Duplicate], await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));

        var received = Assert.Single(await ReceiveAllAsync());
        await Transport.CompleteAsync(received, Ct);
        Assert.Equal([EnqueueOutcome.Duplicate], await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct));
        Assert.True(await NothingReadyAsync());
        Assert.Single(await Ledger.GetAsync("m1", Ct));
    }

    [Fact]
    public async Task Enqueue_SameIdForTwoRecipients_BothAccepted()
    {
        var outcomes = await Transport.EnqueueAsync([Message("m1", "r1"), Message("m1", "r2")], cancellationToken: Ct);

        Assert.Equal([EnqueueOutcome.Accepted, EnqueueOutcome.Accepted], outcomes);
        var received = await ReceiveAllAsync();
        Assert.Equal(["r1", "r2"], received.Select(m => m.Recipient.Value).Order());
        Assert.Equal(2, (await Ledger.GetAsync("m1", Ct)).Count);
    }

    [Fact]
    public async Task Receive_OneRecipient_HandsOutOneAtATime_MostUrgentFirstThenFifo()
    {
        await Transport.EnqueueAsync(
            [
                Message("low", source: "a", priority: MessagePriority.Low),
                Message("normal-1", source: "b"),
                Message("critical", source: "c", priority: MessagePriority.Critical),
                Message("normal-2", source: "d"),
                Message("high", source: "e", priority: MessagePriority.High),
            ],
            cancellationToken: Ct);

        var order = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var message = Assert.Single(await ReceiveAllAsync());
            order.Add(message.Envelope.Id);
            await Transport.CompleteAsync(message, Ct);
        }

        Assert.Equal(["critical", "high", "normal-1", "normal-2", "low"], order);
    }

    [Fact]
    public async Task Receive_ManyRecipients_HandsOutOnePerRecipientAtOnce_MostUrgentFirst()
    {
        await Transport.EnqueueAsync(
            [
                Message("r1-normal", "r1"),
                Message("r1-critical", "r1", MessagePriority.Critical, source: "x"),
                Message("r2-low", "r2", MessagePriority.Low),
                Message("r3-high", "r3", MessagePriority.High),
            ],
            cancellationToken: Ct);

        var received = await ReceiveAllAsync();

        Assert.Equal(["r1-critical", "r3-high", "r2-low"], received.Select(m => m.Envelope.Id));
        await Transport.CompleteAsync(received[0], Ct);
        Assert.Equal("r1-normal", Assert.Single(await ReceiveAllAsync()).Envelope.Id);
    }

    [Fact]
    public async Task Receive_OneLane_HandsOutNextOnlyAfterPreviousIsSettled()
    {
        await Transport.EnqueueAsync(
            [
                Message("first", conversation: "c1", priority: MessagePriority.Low),
                Message("second", conversation: "c1", priority: MessagePriority.Critical),
                Message("third", conversation: "c1"),
            ],
            cancellationToken: Ct);

        var first = Assert.Single(await ReceiveAllAsync());
        Assert.Equal("first", first.Envelope.Id);
        Assert.True(await NothingReadyAsync());

        await Transport.CompleteAsync(first, Ct);
        var second = Assert.Single(await ReceiveAllAsync());
        Assert.Equal("second", second.Envelope.Id);

        await Transport.DeadLetterAsync(second, DeadLetterReasons.MaxAttempts, "boom", Ct);
        Assert.Equal("third", Assert.Single(await ReceiveAllAsync()).Envelope.Id);
    }

    [Fact]
    public async Task Retry_IsHandedOutAgainAfterTheDelay_WithAttemptsAndErrorRecorded()
    {
        await Transport.EnqueueAsync([Message("m1", conversation: "c1"), Message("m2", conversation: "c1")], cancellationToken: Ct);
        var first = Assert.Single(await ReceiveAllAsync());

        await Transport.RetryAsync(first, TimeSpan.FromSeconds(5), "receiver threw", Ct);

        Assert.True(await NothingReadyAsync());
        var record = Assert.Single(await Ledger.GetAsync("m1", Ct));
        Assert.Equal(MessageStatus.Pending, record.Status);
        Assert.Equal(1, record.Attempts);
        Assert.Equal("receiver threw", record.LastError);

        await AdvanceAsync(TimeSpan.FromSeconds(5));
        var again = Assert.Single(await ReceiveAllAsync());
        Assert.Equal("m1", again.Envelope.Id);
        Assert.Equal(1, again.Attempts);
    }

    [Fact]
    public async Task Retry_OfOneLane_DoesNotHoldUpOtherLanes()
    {
        await Transport.EnqueueAsync([Message("a1", source: "a"), Message("b1", source: "b")], cancellationToken: Ct);
        var a1 = Assert.Single(await ReceiveAllAsync());
        Assert.Equal("a1", a1.Envelope.Id);

        await Transport.RetryAsync(a1, TimeSpan.FromMinutes(1), "later", Ct);
        var b1 = Assert.Single(await ReceiveAllAsync());
        Assert.Equal("b1", b1.Envelope.Id);
        await Transport.CompleteAsync(b1, Ct);
        await Transport.EnqueueAsync([Message("b2", source: "b")], cancellationToken: Ct);

        Assert.Equal("b2", Assert.Single(await ReceiveAllAsync()).Envelope.Id);
    }

    [Fact]
    public async Task DeadLetter_IsListedWithReason_AndReplayDeliversItAgain()
    {
        await Transport.EnqueueAsync([Message("m1"), Message("m2", "r2")], cancellationToken: Ct);
        foreach (var message in await ReceiveAllAsync())
        {
            await Transport.DeadLetterAsync(message, message.Envelope.Id == "m1" ? DeadLetterReasons.Expired : DeadLetterReasons.TargetNotFound, null, Ct);
        }

        var page = await Ledger.ListDeadLettersAsync(null, 1, Ct);
        var first = Assert.Single(page.Items);
        Assert.NotNull(page.Next);
        var rest = await Ledger.ListDeadLettersAsync(page.Next, 10, Ct);
        Assert.Null(rest.Next);
        var all = page.Items.Concat(rest.Items).ToDictionary(r => r.Envelope.Id);
        Assert.Equal(DeadLetterReasons.Expired, all["m1"].Reason);
        Assert.Equal(DeadLetterReasons.TargetNotFound, all["m2"].Reason);
        Assert.All(all.Values, r => Assert.Equal(MessageStatus.DeadLettered, r.Status));

        var expiry = Time.GetUtcNow().AddMinutes(5);
        Assert.Equal(1, await Ledger.ReplayAsync("m1", expiry, tenant: null, Ct));
        Assert.Equal(0, await Ledger.ReplayAsync("m1", expiry, tenant: null, Ct));

        var replayed = Assert.Single(await ReceiveAllAsync());
        Assert.Equal("m1", replayed.Envelope.Id);
        Assert.Equal(expiry, replayed.Envelope.ExpiresAt);
        await Transport.CompleteAsync(replayed, Ct);
        Assert.Equal(MessageStatus.Delivered, Assert.Single(await Ledger.GetAsync("m1", Ct)).Status);
        Assert.Equal("m2", Assert.Single((await Ledger.ListDeadLettersAsync(null, 10, Ct)).Items).Envelope.Id);
    }

    [Fact]
    public async Task Replay_ForOneTenant_LeavesTheSameIdsDeadLettersOfAnotherTenant()
    {
        var ours = Message("shared", "r1");
        var theirs = Message("shared", "r2");
        await Transport.EnqueueAsync([ours with { Envelope = ours.Envelope with { Tenant = "acme" } }, theirs with { Envelope = theirs.Envelope with { Tenant = "globex" } }], cancellationToken: Ct);
        foreach (var message in await ReceiveAllAsync())
        {
            await Transport.DeadLetterAsync(message, DeadLetterReasons.TargetNotFound, null, Ct);
        }

        Assert.Equal(1, await Ledger.ReplayAsync("shared", Time.GetUtcNow().AddMinutes(5), "acme", Ct));

        var replayed = Assert.Single(await ReceiveAllAsync());
        Assert.Equal(("r1", "acme"), (replayed.Recipient.Value, replayed.Envelope.Tenant));
        var records = (await Ledger.GetAsync("shared", Ct)).ToDictionary(r => r.Recipient.Value);
        Assert.Equal(MessageStatus.DeadLettered, records["r2"].Status);
        Assert.Equal(0, await Ledger.ReplayAsync("shared", Time.GetUtcNow().AddMinutes(5), "acme", Ct));
    }

    [Fact]
    public async Task Discard_RemovesTheMessagesDeadLettersOfOneTenant_AndNothingElse()
    {
        var ours = Message("shared", "r1");
        var theirs = Message("shared", "r2");
        var delivered = Message("shared", "r3");
        await Transport.EnqueueAsync(
            [
                ours with { Envelope = ours.Envelope with { Tenant = "acme" } },
                theirs with { Envelope = theirs.Envelope with { Tenant = "globex" } },
                delivered with { Envelope = delivered.Envelope with { Tenant = "acme" } },
                Message("other", "r5"),
            ],
            cancellationToken: Ct);
        foreach (var message in await ReceiveAllAsync())
        {
            await (message.Recipient.Value == "r3" ? Transport.CompleteAsync(message, Ct) : Transport.DeadLetterAsync(message, DeadLetterReasons.TargetNotFound, null, Ct));
        }

        Assert.Equal(1, await Ledger.DiscardAsync("shared", "acme", Ct));
        Assert.Equal(0, await Ledger.DiscardAsync("shared", "acme", Ct));

        var records = (await Ledger.GetAsync("shared", Ct)).ToDictionary(r => r.Recipient.Value);
        Assert.Equal(["r2", "r3"], records.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(MessageStatus.DeadLettered, records["r2"].Status);
        Assert.Equal(MessageStatus.Delivered, records["r3"].Status);
        Assert.Equal(0, await Ledger.ReplayAsync("shared", Time.GetUtcNow().AddMinutes(5), "acme", Ct));
        Assert.Equal(["other", "shared"], (await Ledger.ListDeadLettersAsync(null, 10, Ct)).Items.Select(r => r.Envelope.Id).Order(StringComparer.Ordinal));

        Assert.Equal(2, await Ledger.DiscardAsync("shared", tenant: null, Ct) + await Ledger.DiscardAsync("other", tenant: null, Ct));
        Assert.Empty((await Ledger.ListDeadLettersAsync(null, 10, Ct)).Items);
    }

    [Fact]
    public async Task PruneDeadLetters_RemovesThoseDeadLetteredBeforeTheTime_AndKeepsEverythingElse()
    {
        var retention = Assert.IsAssignableFrom<IMessageRetention>(Transport);
        await Transport.EnqueueAsync([Message("old"), Message("new", "r2"), Message("done", "r3"), Message("waiting", "r4")], cancellationToken: Ct);
        var received = (await ReceiveAllAsync()).ToDictionary(m => m.Envelope.Id);
        await Transport.DeadLetterAsync(received["old"], DeadLetterReasons.MaxAttempts, "boom", Ct);
        await Transport.CompleteAsync(received["done"], Ct);
        await AdvanceAsync(TimeSpan.FromDays(2));
        await Transport.DeadLetterAsync(received["new"], DeadLetterReasons.MaxAttempts, "boom", Ct);

        Assert.Equal(1, await retention.PruneDeadLettersAsync(Time.GetUtcNow().AddDays(-1), Ct));

        Assert.Empty(await Ledger.GetAsync("old", Ct));
        Assert.Equal("new", Assert.Single((await Ledger.ListDeadLettersAsync(null, 10, Ct)).Items).Envelope.Id);
        Assert.Equal(MessageStatus.Delivered, Assert.Single(await Ledger.GetAsync("done", Ct)).Status);
        Assert.Equal(MessageStatus.Pending, Assert.Single(await Ledger.GetAsync("waiting", Ct)).Status);
        Assert.Equal(0, await retention.PruneDeadLettersAsync(Time.GetUtcNow().AddDays(-1), Ct));
    }

    [Fact]
    public async Task Restart_WithMessagesInFlight_HandsThemOutAgain()
    {
        await Transport.EnqueueAsync([Message("m1"), Message("m2", "r2")], cancellationToken: Ct);
        var received = await ReceiveAllAsync();
        Assert.Equal(2, received.Count);
        await Transport.CompleteAsync(received.Single(m => m.Envelope.Id == "m2"), Ct);
        Assert.Equal(0, Ledger.RecoveredCount);

        await RestartAsync();

        var again = Assert.Single(await ReceiveAllAsync());
        Assert.Equal("m1", again.Envelope.Id);
        Assert.Equal(MessageStatus.Delivered, Assert.Single(await Ledger.GetAsync("m2", Ct)).Status);
        Assert.Equal(1, Ledger.RecoveredCount);
    }

    [Fact]
    public async Task Restart_KeepsRetryCountsAndDeadLetters()
    {
        await Transport.EnqueueAsync([Message("m1"), Message("m2", "r2")], cancellationToken: Ct);
        var received = await ReceiveAllAsync();
        await Transport.RetryAsync(received.Single(m => m.Envelope.Id == "m1"), TimeSpan.Zero, "first failure", Ct);
        await Transport.DeadLetterAsync(received.Single(m => m.Envelope.Id == "m2"), DeadLetterReasons.MaxAttempts, "gave up", Ct);

        await RestartAsync();

        var again = Assert.Single(await ReceiveAllAsync());
        Assert.Equal("m1", again.Envelope.Id);
        Assert.Equal(1, again.Attempts);
        var dead = Assert.Single((await Ledger.ListDeadLettersAsync(null, 10, Ct)).Items);
        Assert.Equal("gave up", dead.LastError);
    }

    [Fact]
    public async Task Enqueue_FullInbox_RefusesEquallyUrgentAndShedsLessUrgentForMoreUrgent()
    {
        Options.InboxCapacity = 3;
        await RestartAsync();
        var first = await Transport.EnqueueAsync(
            [Message("low-1", priority: MessagePriority.Low, source: "a"), Message("normal-1", source: "b"), Message("low-2", priority: MessagePriority.Low, source: "c")],
            cancellationToken: Ct);
        Assert.All(first, o => Assert.Equal(EnqueueOutcome.Accepted, o));
        Assert.Equal(3, Ledger.GetInboxDepth(Agent("r1")));

        Assert.Equal([EnqueueOutcome.Refused], await Transport.EnqueueAsync([Message("low-3", priority: MessagePriority.Low, source: "d")], cancellationToken: Ct));
        Assert.Empty(await Ledger.GetAsync("low-3", Ct));

        Assert.Equal([EnqueueOutcome.AcceptedShedding], await Transport.EnqueueAsync([Message("critical", priority: MessagePriority.Critical, source: "e")], cancellationToken: Ct));
        Assert.Equal([EnqueueOutcome.AcceptedShedding], await Transport.EnqueueAsync([Message("high", priority: MessagePriority.High, source: "f")], cancellationToken: Ct));

        Assert.Equal(3, Ledger.GetInboxDepth(Agent("r1")));
        var shed = (await Ledger.ListDeadLettersAsync(null, 10, Ct)).Items;
        Assert.Equal(["low-1", "low-2"], shed.Select(r => r.Envelope.Id).Order());
        Assert.All(shed, r => Assert.Equal(DeadLetterReasons.Shed, r.Reason));
        Assert.Equal([EnqueueOutcome.Refused], await Transport.EnqueueAsync([Message("normal-2", source: "g")], cancellationToken: Ct));
        Assert.Equal([EnqueueOutcome.Accepted], await Transport.EnqueueAsync([Message("normal-3", source: "h")], admitOverCapacity: true, cancellationToken: Ct));
        Assert.Equal(4, Ledger.GetInboxDepth(Agent("r1")));
        Assert.Equal(0, Ledger.GetInboxDepth(Agent("r2")));
    }

    [Fact]
    public async Task Enqueue_DuplicateIntoAFullInbox_ShedsNothing()
    {
        Options.InboxCapacity = 2;
        await RestartAsync();
        Assert.All(
            await Transport.EnqueueAsync([Message("low-1", priority: MessagePriority.Low, source: "a"), Message("high-1", priority: MessagePriority.High, source: "b")], cancellationToken: Ct),
            o => Assert.Equal(EnqueueOutcome.Accepted, o));

        Assert.Equal([EnqueueOutcome.Duplicate], await Transport.EnqueueAsync([Message("high-1", priority: MessagePriority.High, source: "b")], cancellationToken: Ct));

        Assert.Empty((await Ledger.ListDeadLettersAsync(null, 10, Ct)).Items);
        Assert.Equal(2, Ledger.GetInboxDepth(Agent("r1")));
        var first = Assert.Single(await ReceiveAllAsync());
        Assert.Equal("high-1", first.Envelope.Id);
        await Transport.CompleteAsync(first, Ct);
        Assert.Equal("low-1", Assert.Single(await ReceiveAllAsync()).Envelope.Id);
    }

    [Fact]
    public async Task Enqueue_CapacityOne_ShedsThenRefuses()
    {
        Options.InboxCapacity = 1;
        await RestartAsync();
        Assert.Equal([EnqueueOutcome.Accepted], await Transport.EnqueueAsync([Message("low-1", priority: MessagePriority.Low, source: "a")], cancellationToken: Ct));
        Assert.Equal([EnqueueOutcome.AcceptedShedding], await Transport.EnqueueAsync([Message("high-1", priority: MessagePriority.High, source: "b")], cancellationToken: Ct));

        Assert.Equal(1, Ledger.GetInboxDepth(Agent("r1")));
        Assert.Equal([EnqueueOutcome.Refused], await Transport.EnqueueAsync([Message("normal-1", source: "c")], cancellationToken: Ct));
        Assert.Equal(DeadLetterReasons.Shed, Assert.Single(await Ledger.GetAsync("low-1", Ct)).Reason);
    }

    [Fact]
    public async Task PruneDelivered_RemovesOnlyDeliveredMessagesOlderThanTheCutoff()
    {
        var retention = Assert.IsAssignableFrom<IMessageRetention>(Transport);
        await Transport.EnqueueAsync([Message("old"), Message("dead", "r2"), Message("pending", "r3")], cancellationToken: Ct);
        var received = await ReceiveAllAsync();
        await Transport.CompleteAsync(received.Single(m => m.Envelope.Id == "old"), Ct);
        await Transport.DeadLetterAsync(received.Single(m => m.Envelope.Id == "dead"), DeadLetterReasons.Expired, null, Ct);
        await AdvanceAsync(TimeSpan.FromHours(25));

        var removed = await retention.PruneDeliveredAsync(Time.GetUtcNow().AddHours(-24), Ct);

        Assert.Equal(1, removed);
        Assert.Empty(await Ledger.GetAsync("old", Ct));
        Assert.Single(await Ledger.GetAsync("dead", Ct));
        Assert.Single(await Ledger.GetAsync("pending", Ct));
        Assert.Equal([EnqueueOutcome.Accepted], await Transport.EnqueueAsync([Message("old")], cancellationToken: Ct));
    }

    [Fact]
    public async Task Restart_AfterReplay_HandsOutTheReplayedMessageWithItsNewExpiry()
    {
        await Transport.EnqueueAsync([Message("m1")], cancellationToken: Ct);
        await Transport.DeadLetterAsync(Assert.Single(await ReceiveAllAsync()), DeadLetterReasons.MaxAttempts, "boom", Ct);
        var expiry = Time.GetUtcNow().AddMinutes(5);
        Assert.Equal(1, await Ledger.ReplayAsync("m1", expiry, tenant: null, Ct));

        await RestartAsync();

        var again = Assert.Single(await ReceiveAllAsync());
        Assert.Equal(expiry, again.Envelope.ExpiresAt);
        Assert.Equal(0, again.Attempts);
        Assert.Empty((await Ledger.ListDeadLettersAsync(null, 10, Ct)).Items);
    }

    [Fact]
    public async Task Receive_WithBatches_HandsOutFreshSamePriorityMessagesOfOneLaneTogether()
    {
        Options.MaxDeliveryBatch = 3;
        await RestartAsync();
        await Transport.EnqueueAsync(
            [
                Message("a1", conversation: "c"), Message("a2", conversation: "c"), Message("a3", conversation: "c"), Message("a4", conversation: "c"),
                Message("a5", conversation: "c", priority: MessagePriority.High),
                Message("b1", source: "other", priority: MessagePriority.Critical),
            ],
            cancellationToken: Ct);

        var b1 = Assert.Single(await ReceiveAllAsync());
        Assert.Equal("b1", b1.Envelope.Id);
        Assert.True(await NothingReadyAsync());
        await Transport.CompleteAsync(b1, Ct);

        var batch = await ReceiveAllAsync();
        Assert.Equal(["a1", "a2", "a3"], batch.Select(m => m.Envelope.Id));
        await Transport.CompleteAsync(batch[1], Ct);
        await Transport.CompleteAsync(batch[0], Ct);
        Assert.True(await NothingReadyAsync());

        await Transport.RetryAsync(batch[2], TimeSpan.Zero, "failed in its batch", Ct);
        var retried = await ReceiveAllAsync();
        Assert.Equal(["a3"], retried.Select(m => m.Envelope.Id));
        await Transport.CompleteAsync(retried[0], Ct);
        Assert.Equal(["a4"], (await ReceiveAllAsync()).Select(m => m.Envelope.Id));
    }
}
