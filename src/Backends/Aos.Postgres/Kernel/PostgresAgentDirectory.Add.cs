using System.Text.Json;
using Aos.Agents;
using Aos.Registry;
using Aos.Postgres.Storage;
using Npgsql;

namespace Aos.Postgres.Kernel;

internal sealed partial class PostgresAgentDirectory
{
    /// <inheritdoc />
    /// <remarks>
    /// The whole list is inserted in one transaction, so it is committed (or refused) atomically; the agents are inserted in id order, so
    /// two overlapping adds from different nodes wait for each other instead of deadlocking. An id that appears twice in
    /// <paramref name="descriptors"/> is refused like an id that is registered already.
    /// </remarks>
    public async Task<IReadOnlyList<AgentId>> AddAsync(IReadOnlyList<AgentDescriptor> descriptors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        if (descriptors.Count == 0)
        {
            return [];
        }

        var rows = ToRows(descriptors, _timeProvider.GetUtcNow(), out var duplicates);
        if (duplicates.Count > 0)
        {
            return duplicates;
        }

        return await _database.ExecuteAsync(Component, (connection, token) => InsertAsync(connection, rows, token), cancellationToken);
    }

    private static AgentDescriptor[] ToRows(IReadOnlyList<AgentDescriptor> descriptors, DateTimeOffset now, out List<AgentId> duplicates)
    {
        var rows = AgentDescriptors.PrepareForAdd(descriptors, now, out duplicates);
        if (duplicates.Count > 0)
        {
            return rows;
        }

        Array.Sort(rows, static (a, b) => string.CompareOrdinal(a.Id.Value, b.Id.Value));
        return rows;
    }

    private async ValueTask<IReadOnlyList<AgentId>> InsertAsync(NpgsqlConnection connection, AgentDescriptor[] rows, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = connection.Command(
            $"INSERT INTO {_agents} (id, type, version, status, descriptor, created_at, tenant) "
            + "SELECT u.id, u.type, u.version, 0, u.descriptor::jsonb, u.created_at, u.tenant FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[]) "
            + "WITH ORDINALITY AS u(id, type, version, descriptor, created_at, tenant, n) ORDER BY u.n "
            + "ON CONFLICT (id) DO NOTHING RETURNING id",
            rows.Select(static r => r.Id.Value).ToArray(),
            rows.Select(static r => r.Type).ToArray(),
            rows.Select(static r => r.Version ?? string.Empty).ToArray(),
            rows.Select(static r => JsonSerializer.Serialize(r, PostgresKernelJsonContext.Default.AgentDescriptor)).ToArray(),
            rows.Select(static r => r.CreatedAt.ToUnixTimeMilliseconds()).ToArray(),
            rows.Select(static r => r.Tenant).ToArray()))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                inserted.Add(reader.GetString(0));
            }
        }

        if (inserted.Count < rows.Length)
        {
            // Disposing the transaction rolls back the agents that were new: the add is all or nothing.
            return [.. rows.Where(r => !inserted.Contains(r.Id.Value)).Select(static r => r.Id)];
        }

        await InsertIndexRowsAsync(connection, _capabilities, "capability", rows, static r => r.Capabilities, cancellationToken);
        await InsertIndexRowsAsync(connection, _subscriptions, "topic", rows, static r => r.Subscriptions, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return [];
    }

    private static async Task InsertIndexRowsAsync(
        NpgsqlConnection connection, string table, string column, AgentDescriptor[] rows, Func<AgentDescriptor, IReadOnlyList<string>?> values, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var ids = new List<string>();
        foreach (var row in rows)
        {
            foreach (var value in values(row) ?? [])
            {
                keys.Add(value);
                ids.Add(row.Id.Value);
            }
        }

        if (keys.Count > 0)
        {
            await connection.ExecuteAsync(
                $"INSERT INTO {table} ({column}, agent_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
                cancellationToken,
                keys.ToArray(),
                ids.ToArray());
        }
    }
}
