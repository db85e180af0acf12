using System.Globalization;
using System.Net;
using Aos.Messaging;
using Azure;
using Azure.Data.Tables;

namespace Aos.Azure.Messaging;

internal sealed partial class TableMessageLedger
{
    /// <summary>Gets the rows of a message for all its recipients, by sequence.</summary>
    public async Task<List<LedgerEntry>> GetAsync(string messageId, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(messageId);
        var entries = new List<LedgerEntry>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var entry = FromEntity(entity);
            if (entry.MessageId == messageId)
            {
                entries.Add(entry);
            }
        }

        return [.. entries.OrderBy(e => e.Sequence)];
    }

    /// <summary>Lists dead letters after a sequence, oldest first: a range query on the dead-letter index, then one read per item.</summary>
    /// <returns>The page, and the cursor of the next page or <see langword="null"/> on the last page.</returns>
    public async Task<(List<LedgerEntry> Items, long? Next)> ListDeadLettersAsync(long? after, int limit, CancellationToken cancellationToken)
    {
        var from = SequenceKey(after ?? 0);
        var items = new List<LedgerEntry>(limit + 1);
        var index = _table.QueryAsync<TableEntity>(
            e => e.PartitionKey == DeadLetterPartition && e.RowKey.CompareTo(from) > 0,
            maxPerPage: limit + 1,
            cancellationToken: cancellationToken);
        await foreach (var item in index.ConfigureAwait(false))
        {
            var sequence = long.Parse(item.RowKey, NumberStyles.None, CultureInfo.InvariantCulture);
            if (item.GetString(TargetPartitionProperty) is not { } partition || item.GetString(TargetRowProperty) is not { } row
                || await ReadAsync(partition, row, cancellationToken).ConfigureAwait(false) is not { Entry: { Status: MessageStatus.DeadLettered } entry }
                || entry.Sequence != sequence)
            {
                continue;
            }

            items.Add(entry);
            if (items.Count > limit)
            {
                items.RemoveAt(items.Count - 1);
                return (items, items[^1].Sequence);
            }
        }

        return (items, null);
    }

    /// <summary>Puts a message's dead letters (of one tenant's message, or all) back to pending with a fresh retry budget, expiry and sequence.</summary>
    /// <returns>The replayed rows; a row changed by someone else in between (a concurrent replay) is left to them.</returns>
    public async Task<List<LedgerEntry>> ReplayAsync(string messageId, DateTimeOffset? expiresAt, string? tenant, long now, CancellationToken cancellationToken)
    {
        var replayed = new List<LedgerEntry>();
        var partition = PartitionOf(messageId);
        await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var entry = FromEntity(entity);
            if (entry.MessageId != messageId || entry.Status != MessageStatus.DeadLettered || (tenant is not null && entry.Envelope.Tenant != tenant))
            {
                continue;
            }

            var sequence = await NextSequenceAsync(cancellationToken).ConfigureAwait(false);
            var next = entry with
            {
                Envelope = entry.Envelope with { ExpiresAt = expiresAt, Attempt = 0 },
                Status = MessageStatus.Pending,
                Attempts = 0,
                Reason = null,
                DueAt = now,
                UpdatedAt = now,
                Sequence = sequence,
                ServiceBusSequence = 0,
            };
            try
            {
                await _table.UpdateEntityAsync(ToEntity(next), entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
            {
                continue;
            }

            await DeleteIfExistsAsync(DeadLetterPartition, SequenceKey(entry.Sequence), cancellationToken).ConfigureAwait(false);
            replayed.Add(next);
        }

        return replayed;
    }

    /// <summary>Removes a message's dead-letter rows (of one tenant's message, or all), with their index rows.</summary>
    /// <returns>How many were removed; a row changed by someone else in between (a concurrent replay) is left to them.</returns>
    public async Task<int> DiscardAsync(string messageId, string? tenant, CancellationToken cancellationToken)
    {
        var discarded = 0;
        var partition = PartitionOf(messageId);
        await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var entry = FromEntity(entity);
            if (entry.MessageId == messageId && entry.Status == MessageStatus.DeadLettered && (tenant is null || entry.Envelope.Tenant == tenant)
                && await RemoveDeadLetterAsync(entity, entry.Sequence, cancellationToken).ConfigureAwait(false))
            {
                discarded++;
            }
        }

        return discarded;
    }

    /// <summary>Removes dead-letter rows whose dead-lettering is older than a time, with their index rows.</summary>
    /// <returns>How many were removed.</returns>
    public async Task<int> PruneDeadLettersAsync(long before, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {MessagePartitionPrefix} and PartitionKey lt {MessagePartitionEnd} and Status eq {(int)MessageStatus.DeadLettered} and UpdatedAt lt {before}");
        var removed = 0;
        var rows = _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", StatusProperty, SequenceProperty], cancellationToken: cancellationToken);
        await foreach (var entity in rows.ConfigureAwait(false))
        {
            if (await RemoveDeadLetterAsync(entity, entity.GetInt64(SequenceProperty) ?? 0, cancellationToken).ConfigureAwait(false))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Reads every pending row (waiting, in flight or backing off when the last instance stopped), by sequence.</summary>
    public async Task<List<LedgerEntry>> LoadPendingAsync(CancellationToken cancellationToken)
    {
        var pending = new List<LedgerEntry>();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {MessagePartitionPrefix} and PartitionKey lt {MessagePartitionEnd} and Status eq {(int)MessageStatus.Pending}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            pending.Add(FromEntity(entity));
        }

        return [.. pending.OrderBy(e => e.Sequence)];
    }

    /// <summary>Removes delivered rows whose last change is older than a time; pending rows and dead letters are kept.</summary>
    /// <returns>How many rows were removed.</returns>
    public async Task<int> PruneDeliveredAsync(long before, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {MessagePartitionPrefix} and PartitionKey lt {MessagePartitionEnd} and Status eq {(int)MessageStatus.Delivered} and UpdatedAt lt {before}");
        var removed = 0;
        var rows = _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", StatusProperty], cancellationToken: cancellationToken);
        await foreach (var entity in rows.ConfigureAwait(false))
        {
            try
            {
                await _table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken).ConfigureAwait(false);
                removed++;
            }
            catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
            {
                // Changed or removed by someone else since it was listed: theirs wins.
            }
        }

        return removed;
    }

    /// <summary>Removes a dead-letter row read with its ETag, then its index row; a row changed or removed since it was read is left.</summary>
    private async Task<bool> RemoveDeadLetterAsync(TableEntity entity, long sequence, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return false;
        }

        await DeleteIfExistsAsync(DeadLetterPartition, SequenceKey(sequence), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task DeleteIfExistsAsync(string partition, string row, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
        }
    }
}
