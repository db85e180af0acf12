using System.Text.Json;
using Aos.Agents;
using Aos.Registry;
using Aos.Storage.Serialization;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteAgentDirectory
{
    private const int SqliteConstraint = 19;
    private const string ExistsSql = "SELECT 1 FROM agents WHERE id = $id;";
    private const int ParallelSerializationThreshold = 4096;

    // Multi-row statements: one statement per 16 agents (32 index rows) does the same B-tree work with far fewer round trips.
    private static readonly MultiRowInsert.Statement InsertAgents = MultiRowInsert.Statement.Create(
        "INSERT INTO agents (id, type, version, status, descriptor, created_at, tenant)", ["?", "?", "?", "0", "?", "?", "?"], 16);
    private static readonly MultiRowInsert.Statement InsertCapabilities = MultiRowInsert.Statement.Create(
        "INSERT OR IGNORE INTO agent_capabilities (capability, agent_id)", ["?", "?"], 32);
    private static readonly MultiRowInsert.Statement InsertSubscriptions = MultiRowInsert.Statement.Create(
        "INSERT OR IGNORE INTO agent_subscriptions (topic, agent_id)", ["?", "?"], 32);

    /// <inheritdoc />
    /// <remarks>
    /// The whole list is inserted in one write operation, so it is committed (or refused) atomically. An id that appears twice in
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

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _schema.Database.WriteAsync(connection => Insert(connection, rows), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _subscribers.Invalidate();
        }
    }

    private static AgentRow[] ToRows(IReadOnlyList<AgentDescriptor> descriptors, DateTimeOffset now, out List<AgentId> duplicates)
    {
        var stamped = AgentDescriptors.PrepareForAdd(descriptors, now, out duplicates);
        var rows = new AgentRow[stamped.Length];
        if (duplicates.Count > 0)
        {
            return rows;
        }

        // Serializing is the caller's work, not the writer's: a large registration must not hold up every other write.
        if (rows.Length >= ParallelSerializationThreshold)
        {
            Parallel.For(0, rows.Length, i => rows[i] = new AgentRow(stamped[i], Serialize(stamped[i])));
        }
        else
        {
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i] = new AgentRow(stamped[i], Serialize(stamped[i]));
            }
        }

        if (!IsSorted(rows))
        {
            // Inserting in key order appends to the id-keyed indexes instead of splitting pages all over them.
            Array.Sort(rows, static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        }

        return rows;
    }

    private static string Serialize(AgentDescriptor descriptor) => JsonSerializer.Serialize(descriptor, AosStorageJsonContext.Default.AgentDescriptor);

    private static bool IsSorted(AgentRow[] rows)
    {
        for (var i = 1; i < rows.Length; i++)
        {
            if (string.CompareOrdinal(rows[i - 1].Id, rows[i].Id) > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static List<AgentId> Insert(SqliteConnection connection, AgentRow[] rows)
    {
        Execute(connection, "SAVEPOINT add_agents;");
        try
        {
            var agents = new MultiRowInsert(connection, InsertAgents);
            var capabilities = new MultiRowInsert(connection, InsertCapabilities);
            var subscriptions = new MultiRowInsert(connection, InsertSubscriptions);
            foreach (var row in rows)
            {
                agents.Set(0, row.Id);
                agents.Set(1, row.Descriptor.Type);
                agents.Set(2, row.Descriptor.Version ?? string.Empty);
                agents.Set(3, row.Json);
                agents.Set(4, row.Descriptor.CreatedAt.ToUnixTimeMilliseconds());
                agents.Set(5, row.Descriptor.Tenant);
                agents.EndRow();
                AddIndexRows(capabilities, row.Descriptor.Capabilities, row.Id);
                AddIndexRows(subscriptions, row.Descriptor.Subscriptions, row.Id);
            }

            agents.Flush();
            capabilities.Flush();
            subscriptions.Flush();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            Execute(connection, "ROLLBACK TO add_agents; RELEASE add_agents;");
            var existing = FindExisting(connection, rows);
            if (existing.Count == 0)
            {
                throw;
            }

            return existing;
        }
        catch
        {
            Execute(connection, "ROLLBACK TO add_agents; RELEASE add_agents;");
            throw;
        }

        Execute(connection, "RELEASE add_agents;");
        return [];
    }

    private static void AddIndexRows(MultiRowInsert insert, IReadOnlyList<string>? values, string id)
    {
        if (values is null)
        {
            return;
        }

        foreach (var value in values)
        {
            insert.Set(0, value);
            insert.Set(1, id);
            insert.EndRow();
        }
    }

    private static List<AgentId> FindExisting(SqliteConnection connection, AgentRow[] rows)
    {
        var exists = SqliteCommandCache.Get(connection, ExistsSql, "$id");
        var existing = new List<AgentId>();
        foreach (var row in rows)
        {
            exists.Parameters[0].Value = row.Id;
            if (exists.ExecuteScalar() is not null)
            {
                existing.Add(row.Descriptor.Id);
            }
        }

        return existing;
    }

    private static void Execute(SqliteConnection connection, string sql) => SqliteCommandCache.Get(connection, sql).ExecuteNonQuery();

    private readonly record struct AgentRow(AgentDescriptor Descriptor, string Json)
    {
        public string Id => Descriptor.Id.Value;
    }
}
