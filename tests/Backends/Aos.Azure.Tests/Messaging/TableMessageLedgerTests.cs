using System.Text.Json;
using Aos.Azure.Messaging;
using Aos.Messaging;
using Azure.Data.Tables;

namespace Aos.Azure.Tests.Messaging;

/// <summary>Checks the Service Bus transport's ledger against real Table Storage (Azurite), each test on its own table.</summary>
public sealed class TableMessageLedgerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private readonly TableClient _table = AzureTestServices.NewTable();
    private readonly List<TableMessageLedger> _ledgers = [];
    private TableMessageLedger _ledger = null!;
    private bool _used;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static long Now => Start.ToUnixTimeMilliseconds();

    public async ValueTask InitializeAsync()
    {
        await AzureTestServices.RequireStorageAsync();
        _used = true;
        _ledger = await OpenAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var ledger in _ledgers)
        {
            ledger.Dispose();
        }

        if (_used)
        {
            await AzureTestServices.DeleteTableAsync(_table.Name);
        }
    }

    [Fact]
    public async Task TryAdd_SameIdAndRecipientTwice_SecondIsRejected_OtherRecipientAccepted()
    {
        Assert.True(await _ledger.TryAddAsync(await EntryAsync("m1", "r1"), Ct));
        Assert.False(await _ledger.TryAddAsync(await EntryAsync("m1", "r1"), Ct));
        Assert.True(await _ledger.TryAddAsync(await EntryAsync("m1", "r2"), Ct));

        var rows = await _ledger.GetAsync("m1", Ct);
        Assert.Equal(["r1", "r2"], rows.Select(r => r.Recipient));
        Assert.All(rows, r => Assert.Equal(MessageStatus.Pending, r.Status));
    }

    [Fact]
    public async Task TryAdd_ConcurrentlyFromTwoInstances_ExactlyOneWins()
    {
        var other = await OpenAsync();
        var entries = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i => await EntryAsync("m1", "r1", ledger: i % 2 == 0 ? _ledger : other)));

        var added = await Task.WhenAll(entries.Select((e, i) => (i % 2 == 0 ? _ledger : other).TryAddAsync(e, Ct)));

        Assert.Single(added, a => a);
        Assert.Single(await _ledger.GetAsync("m1", Ct));
    }

    [Fact]
    public async Task NextSequence_TwoInstancesOnOneTable_NeverHandOutTheSameNumber()
    {
        var other = await OpenAsync();

        var numbers = await Task.WhenAll(Enumerable.Range(0, 600).Select(i => (i % 2 == 0 ? _ledger : other).NextSequenceAsync(Ct)));

        Assert.Equal(numbers.Length, numbers.Distinct().Count());
        Assert.All(numbers, n => Assert.True(n > 0));
    }

    [Fact]
    public async Task UpdatePending_ChangesOnlyAPendingRowAtItsSequence()
    {
        var entry = await EntryAsync("m1");
        await _ledger.TryAddAsync(entry, Ct);

        Assert.True(await _ledger.UpdatePendingAsync("m1", "r1", entry.Sequence, e => e with { Attempts = 1, LastError = "boom", DueAt = Now + 5000 }, Ct));
        Assert.False(await _ledger.UpdatePendingAsync("m1", "r1", entry.Sequence + 1, e => e with { Attempts = 9 }, Ct));
        Assert.True(await _ledger.UpdatePendingAsync("m1", "r1", entry.Sequence, e => e with { Status = MessageStatus.Delivered, Attempts = 2, UpdatedAt = Now + 6000 }, Ct));
        Assert.False(await _ledger.UpdatePendingAsync("m1", "r1", entry.Sequence, e => e with { Attempts = 9 }, Ct));
        Assert.False(await _ledger.UpdatePendingAsync("unknown", "r1", 1, e => e with { Attempts = 9 }, Ct));

        var row = Assert.Single(await _ledger.GetAsync("m1", Ct));
        Assert.Equal(MessageStatus.Delivered, row.Status);
        Assert.Equal(2, row.Attempts);
        Assert.Equal("boom", row.LastError);
        Assert.Equal(Now + 6000, row.UpdatedAt);
    }

    [Fact]
    public async Task UpdatePending_ConcurrentChanges_AreAllApplied()
    {
        var entry = await EntryAsync("m1");
        await _ledger.TryAddAsync(entry, Ct);
        var other = await OpenAsync();

        await Task.WhenAll(
            _ledger.UpdatePendingAsync("m1", "r1", entry.Sequence, e => e with { ServiceBusSequence = 42 }, Ct),
            other.UpdatePendingAsync("m1", "r1", entry.Sequence, e => e with { LastError = "boom" }, Ct),
            _ledger.UpdatePendingAsync("m1", "r1", entry.Sequence, e => e with { Reason = "x" }, Ct));

        var row = Assert.Single(await _ledger.GetAsync("m1", Ct));
        Assert.Equal(42, row.ServiceBusSequence);
        Assert.Equal("boom", row.LastError);
        Assert.Equal("x", row.Reason);
    }

    [Fact]
    public async Task DeadLetters_AreListedOldestFirst_OnePageAtATime()
    {
        var entries = new List<LedgerEntry>();
        foreach (var id in new[] { "d1", "d2", "d3", "p1" })
        {
            var entry = await EntryAsync(id);
            await _ledger.TryAddAsync(entry, Ct);
            entries.Add(entry);
        }

        foreach (var entry in entries.Take(3))
        {
            Assert.True(await _ledger.DeadLetterAsync(entry.MessageId, "r1", entry.Sequence, 3, DeadLetterReasons.MaxAttempts, "gave up", Now + 1, Ct));
        }

        Assert.False(await _ledger.DeadLetterAsync("d1", "r1", entries[0].Sequence, 3, DeadLetterReasons.Expired, null, Now + 2, Ct));

        var first = await _ledger.ListDeadLettersAsync(null, 2, Ct);
        Assert.Equal(["d1", "d2"], first.Items.Select(e => e.MessageId));
        Assert.Equal(entries[1].Sequence, first.Next);
        var second = await _ledger.ListDeadLettersAsync(first.Next, 2, Ct);
        Assert.Equal(["d3"], second.Items.Select(e => e.MessageId));
        Assert.Null(second.Next);
        var dead = first.Items[0];
        Assert.Equal(MessageStatus.DeadLettered, dead.Status);
        Assert.Equal(DeadLetterReasons.MaxAttempts, dead.Reason);
        Assert.Equal("gave up", dead.LastError);
        Assert.Equal(3, dead.Attempts);
    }

    [Fact]
    public async Task Replay_PutsDeadLettersBackWithFreshBudgetExpiryAndSequence_Once()
    {
        var entry = await EntryAsync("m1");
        await _ledger.TryAddAsync(entry, Ct);
        await _ledger.DeadLetterAsync("m1", "r1", entry.Sequence, 4, DeadLetterReasons.MaxAttempts, "boom", Now, Ct);
        var expiry = Start.AddMinutes(5);

        var replayed = Assert.Single(await _ledger.ReplayAsync("m1", expiry, tenant: null, Now + 10, Ct));
        Assert.Empty(await _ledger.ReplayAsync("m1", expiry, tenant: null, Now + 20, Ct));

        Assert.True(replayed.Sequence > entry.Sequence);
        var row = Assert.Single(await _ledger.GetAsync("m1", Ct));
        Assert.Equal(MessageStatus.Pending, row.Status);
        Assert.Equal(0, row.Attempts);
        Assert.Null(row.Reason);
        Assert.Equal(expiry, row.Envelope.ExpiresAt);
        Assert.Equal(replayed.Sequence, row.Sequence);
        Assert.Equal(Now + 10, row.DueAt);
        Assert.Empty((await _ledger.ListDeadLettersAsync(null, 10, Ct)).Items);
        Assert.False(await _ledger.UpdatePendingAsync("m1", "r1", entry.Sequence, e => e with { Status = MessageStatus.Delivered }, Ct));
    }

    [Fact]
    public async Task Discard_RemovesOnlyTheMessagesDeadLetterRows_OfItsTenant_WithTheirIndexRows()
    {
        var ours = await EntryAsync("m1");
        var theirs = await EntryAsync("m1", recipient: "r2");
        var pending = await EntryAsync("m1", recipient: "r3");
        ours = ours with { Envelope = ours.Envelope with { Tenant = "acme" } };
        theirs = theirs with { Envelope = theirs.Envelope with { Tenant = "globex" } };
        foreach (var entry in new[] { ours, theirs, pending })
        {
            await _ledger.TryAddAsync(entry, Ct);
        }

        await _ledger.DeadLetterAsync("m1", "r1", ours.Sequence, 1, DeadLetterReasons.TargetNotFound, null, Now, Ct);
        await _ledger.DeadLetterAsync("m1", "r2", theirs.Sequence, 1, DeadLetterReasons.TargetNotFound, null, Now, Ct);

        Assert.Equal(1, await _ledger.DiscardAsync("m1", "acme", Ct));
        Assert.Equal(0, await _ledger.DiscardAsync("m1", "acme", Ct));

        var rows = (await _ledger.GetAsync("m1", Ct)).ToDictionary(e => e.Recipient);
        Assert.Equal(["r2", "r3"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(MessageStatus.Pending, rows["r3"].Status);
        var listed = Assert.Single((await _ledger.ListDeadLettersAsync(null, 10, Ct)).Items);
        Assert.Equal("r2", listed.Recipient);
        Assert.Equal(1, await _ledger.DiscardAsync("m1", tenant: null, Ct));
        Assert.Empty((await _ledger.ListDeadLettersAsync(null, 10, Ct)).Items);
        Assert.Equal(0, await IndexRowsAsync());
    }

    [Fact]
    public async Task PruneDeadLetters_RemovesOnlyDeadLetterRowsOlderThanTheCutoff_WithTheirIndexRows()
    {
        var old = await EntryAsync("old");
        var recent = await EntryAsync("recent");
        var delivered = await EntryAsync("delivered");
        foreach (var entry in new[] { old, recent, delivered })
        {
            await _ledger.TryAddAsync(entry, Ct);
        }

        await _ledger.DeadLetterAsync("old", "r1", old.Sequence, 1, DeadLetterReasons.Expired, null, Now, Ct);
        await _ledger.DeadLetterAsync("recent", "r1", recent.Sequence, 1, DeadLetterReasons.Expired, null, Now + 1_000, Ct);
        await _ledger.UpdatePendingAsync("delivered", "r1", delivered.Sequence, e => e with { Status = MessageStatus.Delivered, UpdatedAt = Now }, Ct);

        Assert.Equal(1, await _ledger.PruneDeadLettersAsync(Now + 500, Ct));

        Assert.Empty(await _ledger.GetAsync("old", Ct));
        Assert.Equal("recent", Assert.Single((await _ledger.ListDeadLettersAsync(null, 10, Ct)).Items).MessageId);
        Assert.Equal(MessageStatus.Delivered, Assert.Single(await _ledger.GetAsync("delivered", Ct)).Status);
        Assert.Equal(0, await _ledger.PruneDeadLettersAsync(Now + 500, Ct));
        Assert.Equal(1, await IndexRowsAsync());
    }

    [Fact]
    public async Task DeadLetterList_SkipsAnIndexRowWhoseMessageMovedOn()
    {
        var entry = await EntryAsync("m1");
        await _ledger.TryAddAsync(entry, Ct);
        await _ledger.UpdatePendingAsync("m1", "r1", entry.Sequence, e => e with { Status = MessageStatus.Delivered }, Ct);

        // The index row is written before the status: a dead-lettering that finds the message already delivered leaves only the index row.
        Assert.False(await _ledger.DeadLetterAsync("m1", "r1", entry.Sequence, 1, DeadLetterReasons.Expired, null, Now, Ct));

        var page = await _ledger.ListDeadLettersAsync(null, 10, Ct);
        Assert.Empty(page.Items);
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task PruneDelivered_RemovesOnlyDeliveredRowsOlderThanTheCutoff_AndForgetsThem()
    {
        foreach (var (id, status, updated) in new[]
        {
            ("old", MessageStatus.Delivered, Now - 10_000),
            ("recent", MessageStatus.Delivered, Now + 10_000),
            ("dead", MessageStatus.DeadLettered, Now - 10_000),
            ("pending", MessageStatus.Pending, Now - 10_000),
        })
        {
            var entry = await EntryAsync(id);
            await _ledger.TryAddAsync(entry, Ct);
            if (status == MessageStatus.DeadLettered)
            {
                await _ledger.DeadLetterAsync(id, "r1", entry.Sequence, 1, DeadLetterReasons.Expired, null, updated, Ct);
            }
            else if (status == MessageStatus.Delivered)
            {
                await _ledger.UpdatePendingAsync(id, "r1", entry.Sequence, e => e with { Status = status, UpdatedAt = updated }, Ct);
            }
        }

        Assert.Equal(1, await _ledger.PruneDeliveredAsync(Now, Ct));

        Assert.Empty(await _ledger.GetAsync("old", Ct));
        Assert.Single(await _ledger.GetAsync("recent", Ct));
        Assert.Single(await _ledger.GetAsync("dead", Ct));
        Assert.Single(await _ledger.GetAsync("pending", Ct));
        Assert.True(await _ledger.TryAddAsync(await EntryAsync("old"), Ct));
        Assert.Equal(0, await _ledger.PruneDeliveredAsync(Now, Ct));
    }

    [Fact]
    public async Task LoadPending_AfterARestart_ReturnsPendingRowsWithTheirStateAndNewerSequencesFollow()
    {
        var settled = await EntryAsync("delivered");
        await _ledger.TryAddAsync(settled, Ct);
        await _ledger.UpdatePendingAsync("delivered", "r1", settled.Sequence, e => e with { Status = MessageStatus.Delivered }, Ct);
        var first = await EntryAsync("m1", conversation: "c1");
        var second = await EntryAsync("m2", "r2");
        await _ledger.TryAddAsync(second, Ct);
        await _ledger.TryAddAsync(first, Ct);
        await _ledger.UpdatePendingAsync("m1", "r1", first.Sequence, e => e with { Attempts = 2, DueAt = Now + 7000, LastError = "boom", ServiceBusSequence = 99 }, Ct);

        var restarted = await OpenAsync();
        var pending = await restarted.LoadPendingAsync(Ct);

        Assert.Equal(["m1", "m2"], pending.Select(e => e.MessageId));
        var m1 = pending[0];
        Assert.Equal(2, m1.Attempts);
        Assert.Equal(Now + 7000, m1.DueAt);
        Assert.Equal(99, m1.ServiceBusSequence);
        Assert.Equal(first.OrderKey, m1.OrderKey);
        Assert.Equal("m1", m1.Envelope.GetPayload<JsonElement>().GetProperty("id").GetString());
        var message = m1.ToMessage();
        Assert.Equal(AgentId.Parse("r1"), message.Recipient);
        Assert.Equal(2, message.Attempts);
        Assert.True(await restarted.NextSequenceAsync(Ct) > pending.Max(e => e.Sequence));
    }

    [Fact]
    public async Task Envelope_LargerThanOneTableProperty_RoundTrips()
    {
        var text = new string('x', 200_000);
        var entry = await EntryAsync("big", payload: text);

        Assert.True(await _ledger.TryAddAsync(entry, Ct));

        var row = Assert.Single(await _ledger.GetAsync("big", Ct));
        Assert.Equal(text, row.Envelope.GetPayload<JsonElement>().GetProperty("text").GetString());
    }

    [Fact]
    public async Task Envelope_LargerThanARow_IsRefusedAndNothingIsStored()
    {
        var entry = await EntryAsync("huge", payload: new string('x', TableMessageLedger.MaxEnvelopeBytes));

        var error = await Assert.ThrowsAsync<AosValidationException>(() => _ledger.TryAddAsync(entry, Ct));

        Assert.True(error.TooLarge);
        Assert.Empty(await _ledger.GetAsync("huge", Ct));
    }

    [Fact]
    public async Task RemovePending_RemovesOnlyThePendingRowAtItsSequence()
    {
        var entry = await EntryAsync("m1");
        await _ledger.TryAddAsync(entry, Ct);

        await _ledger.RemovePendingAsync("m1", "r1", entry.Sequence + 1, Ct);
        Assert.Single(await _ledger.GetAsync("m1", Ct));
        await _ledger.RemovePendingAsync("m1", "r1", entry.Sequence, Ct);
        Assert.Empty(await _ledger.GetAsync("m1", Ct));
    }

    /// <summary>Counts the dead-letter index rows (partition <c>d</c>), those the listing passes over included.</summary>
    private async Task<int> IndexRowsAsync()
    {
        var count = 0;
        await foreach (var _ in _table.QueryAsync<TableEntity>(e => e.PartitionKey == "d", cancellationToken: Ct))
        {
            count++;
        }

        return count;
    }

    private async Task<TableMessageLedger> OpenAsync()
    {
        var ledger = new TableMessageLedger(new TableClient(AzureTestServices.StorageConnectionString, _table.Name));
        _ledgers.Add(ledger);
        await ledger.CreateIfNotExistsAsync(Ct);
        return ledger;
    }

    private async Task<LedgerEntry> EntryAsync(string id, string recipient = "r1", string? conversation = null, string? payload = null, TableMessageLedger? ledger = null)
    {
        var envelope = new Envelope
        {
            Id = id,
            Type = "test.event",
            Source = "s",
            Target = AgentId.Parse(recipient),
            ConversationId = conversation,
            Timestamp = Start,
            Payload = payload is null ? JsonSerializer.SerializeToElement(new { id }) : JsonSerializer.SerializeToElement(new { text = payload }),
        };
        var sequence = await (ledger ?? _ledger).NextSequenceAsync(Ct);
        return LedgerEntry.Accepted(TransportMessage.For(envelope, AgentId.Parse(recipient)), sequence, Now);
    }
}
