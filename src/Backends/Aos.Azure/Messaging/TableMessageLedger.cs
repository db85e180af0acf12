using System.Net;
using Aos.Messaging;
using Azure;
using Azure.Data.Tables;

namespace Aos.Azure.Messaging;

/// <summary>Keeps the status records of the Service Bus transport in one Azure Table Storage table, with optimistic concurrency.</summary>
/// <remarks>
/// <para>
/// Rows: a message for a recipient is the row <c>(m{sha256(id)}, {sha256(recipient)})</c> holding its status, attempts, due time,
/// last error, reason, sequence, the Service Bus sequence number of its queue copy and the envelope (JSON, in binary properties of up
/// to 64 KiB each). A dead letter is also indexed by the row <c>(d, {sequence:D19})</c>, so pages are range queries. The row
/// <c>(s, sequence)</c> holds the next free sequence number.
/// </para>
/// <para>
/// Accepting a message creates its row (<c>AddEntity</c>): the table rejects a second create, which makes de-duplication atomic across
/// every writer of the table. Every change is a read followed by a write conditioned on the row's ETag, retried when the row changed
/// in between, and applies only to a pending row still at the sequence the caller handed out, so a late settlement of an old copy
/// never overwrites a newer state. Sequence numbers are reserved in blocks by an ETag-conditioned update of the sequence row: they are
/// unique per table and increase over time, with gaps. All members are thread-safe.
/// </para>
/// </remarks>
internal sealed partial class TableMessageLedger : IDisposable
{
    private const int SequenceBlock = 256;
    private const int MaxUpdateAttempts = 16;

    private readonly TableClient _table;
    private readonly SemaphoreSlim _sequenceLock = new(1, 1);
    private long _nextSequence;
    private long _sequenceLimit;

    public TableMessageLedger(TableClient table) => _table = table;

    /// <summary>Gets the name of the table.</summary>
    public string TableName => _table.Name;

    public void Dispose() => _sequenceLock.Dispose();

    /// <summary>Creates the table when it does not exist.</summary>
    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken) =>
        await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Gets the next sequence number, reserving a new block in the table when this instance's block is used up.</summary>
    public async Task<long> NextSequenceAsync(CancellationToken cancellationToken)
    {
        await _sequenceLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_nextSequence == 0 || _nextSequence > _sequenceLimit)
            {
                var first = await ReserveBlockAsync(cancellationToken).ConfigureAwait(false);
                (_nextSequence, _sequenceLimit) = (first, first + SequenceBlock - 1);
            }

            return _nextSequence++;
        }
        finally
        {
            _sequenceLock.Release();
        }
    }

    /// <summary>Creates the row of a message just accepted.</summary>
    /// <returns><see langword="false"/> when the table already holds a row for the message and recipient (a duplicate).</returns>
    public async Task<bool> TryAddAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(ToEntity(entry), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>Removes the row of a message whose acceptance failed after the row was created, if it is still pending at that sequence.</summary>
    public async Task RemovePendingAsync(string messageId, string recipient, long sequence, CancellationToken cancellationToken)
    {
        var (partition, row) = KeyOf(messageId, recipient);
        if (await ReadAsync(partition, row, cancellationToken).ConfigureAwait(false) is not { } read
            || read.Entry.Status != MessageStatus.Pending || read.Entry.Sequence != sequence)
        {
            return;
        }

        try
        {
            await _table.DeleteEntityAsync(partition, row, read.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.PreconditionFailed)
        {
            // Gone already, or changed by someone else since: theirs wins.
        }
    }

    /// <summary>Changes the row of a pending message handed out at <paramref name="sequence"/>, with optimistic concurrency.</summary>
    /// <returns><see langword="false"/> when there is no such pending row (settled already, replayed, or pruned): nothing changed.</returns>
    public async Task<bool> UpdatePendingAsync(string messageId, string recipient, long sequence, Func<LedgerEntry, LedgerEntry> change, CancellationToken cancellationToken)
    {
        var (partition, row) = KeyOf(messageId, recipient);
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            if (await ReadAsync(partition, row, cancellationToken).ConfigureAwait(false) is not { } read
                || read.Entry.Status != MessageStatus.Pending || read.Entry.Sequence != sequence)
            {
                return false;
            }

            try
            {
                await _table.UpdateEntityAsync(ToEntity(change(read.Entry)), read.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                // Changed since it was read: read it again.
            }
        }

        throw new AosException($"The ledger row of message '{messageId}' for '{recipient}' kept changing during {MaxUpdateAttempts} attempts to update it.");
    }

    /// <summary>Dead-letters a pending message handed out at <paramref name="sequence"/> and indexes it for listing.</summary>
    /// <returns><see langword="false"/> when there is no such pending row: nothing changed.</returns>
    public async Task<bool> DeadLetterAsync(string messageId, string recipient, long sequence, int attempts, string reason, string? lastError, long now, CancellationToken cancellationToken)
    {
        // The index row goes first: listing skips an index row whose message row is not dead-lettered at that sequence, so a crash
        // between the two writes leaves nothing visible.
        var (partition, row) = KeyOf(messageId, recipient);
        await _table.UpsertEntityAsync(DeadLetterIndexRow(sequence, partition, row), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return await UpdatePendingAsync(
            messageId,
            recipient,
            sequence,
            entry => entry with { Status = MessageStatus.DeadLettered, Attempts = attempts, Reason = reason, LastError = lastError ?? entry.LastError, UpdatedAt = now },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<long> ReserveBlockAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var read = await _table.GetEntityIfExistsAsync<TableEntity>(SequencePartition, SequenceRow, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!read.HasValue || read.Value is null)
                {
                    await _table.AddEntityAsync(new TableEntity(SequencePartition, SequenceRow) { [NextProperty] = 1L + SequenceBlock }, cancellationToken).ConfigureAwait(false);
                    return 1;
                }

                var first = read.Value.GetInt64(NextProperty) ?? 1;
                read.Value[NextProperty] = first + SequenceBlock;
                await _table.UpdateEntityAsync(read.Value, read.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return first;
            }
            catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
            {
                // Another instance reserved a block in between: read again.
            }
        }

        throw new AosException($"The sequence row of ledger table '{TableName}' kept changing during {MaxUpdateAttempts} attempts to reserve numbers.");
    }

    private async Task<(LedgerEntry Entry, ETag ETag)?> ReadAsync(string partition, string row, CancellationToken cancellationToken)
    {
        var read = await _table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return read.HasValue && read.Value is { } entity ? (FromEntity(entity), entity.ETag) : null;
    }
}
