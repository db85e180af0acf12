using System.Text.Json;
using Aos.Agents;
using Aos.Storage.Serialization;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteAgentDirectory
{
    private const int SqliteConstraint = 19;
    private const string ExistsSql = "SELECT 1 FROM agents WHERE id = $id;";
    private const string InsertAgentSql =
        "INSERT INTO agents (id, type, version, status, descriptor, created_at) VALUES ($id, $type, $version, 0, $descriptor, $created);";
    private const string InsertCapabilitySql = "INSERT OR IGNORE INTO agent_capabilities (capability, agent_id) VALUES ($c, $id);";
    private const string InsertSubscriptionSql = "INSERT OR IGNORE INTO agent_subscriptions (topic, agent_id) VALUES ($t, $id);";

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
        return await _schema.Database.WriteAsync(connection => Insert(connection, rows), cancellationToken).ConfigureAwait(false);
    }

    private static AgentRow[] ToRows(IReadOnlyList<AgentDescriptor> descriptors, DateTimeOffset now, out List<AgentId> duplicates)
    {
        var rows = new AgentRow[descriptors.Count];
        var seen = new HashSet<string>(descriptors.Count, StringComparer.Ordinal);
        duplicates = [];
        var sorted = true;
        for (var i = 0; i < rows.Length; i++)
        {
            var descriptor = descriptors[i] ?? throw new AosValidationException($"Descriptor {i} is null.") { Field = "descriptors" };
            if (descriptor.Id.Value is null)
            {
                throw new AosValidationException($"Descriptor {i} has no id; give every agent an id of 1 to {AgentId.MaxLength} characters from [A-Za-z0-9._-].") { Field = "id" };
            }

            if (string.IsNullOrEmpty(descriptor.Type))
            {
                throw new AosValidationException($"Agent '{descriptor.Id}' has no type; set it to the name in the agent class's [AgentType] attribute.") { Field = "type" };
            }

            if (!seen.Add(descriptor.Id.Value))
            {
                duplicates.Add(descriptor.Id);
            }

            if (descriptor.CreatedAt == default)
            {
                descriptor = descriptor with { CreatedAt = now };
            }

            rows[i] = new AgentRow(descriptor, JsonSerializer.Serialize(descriptor, AosStorageJsonContext.Default.AgentDescriptor));
            sorted &= i == 0 || string.CompareOrdinal(rows[i - 1].Id, rows[i].Id) < 0;
        }

        if (!sorted && duplicates.Count == 0)
        {
            // Inserting in key order keeps the id and type indexes' pages hot: large batches run several times faster.
            Array.Sort(rows, static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        }

        return rows;
    }

    private static List<AgentId> Insert(SqliteConnection connection, AgentRow[] rows)
    {
        Execute(connection, "SAVEPOINT add_agents;");
        try
        {
            var agent = SqliteCommandCache.Get(connection, InsertAgentSql, "$id", "$type", "$version", "$descriptor", "$created");
            var capability = SqliteCommandCache.Get(connection, InsertCapabilitySql, "$c", "$id");
            var subscription = SqliteCommandCache.Get(connection, InsertSubscriptionSql, "$t", "$id");
            foreach (var row in rows)
            {
                agent.Parameters[0].Value = row.Id;
                agent.Parameters[1].Value = row.Descriptor.Type;
                agent.Parameters[2].Value = row.Descriptor.Version ?? string.Empty;
                agent.Parameters[3].Value = row.Json;
                agent.Parameters[4].Value = row.Descriptor.CreatedAt.ToUnixTimeMilliseconds();
                agent.ExecuteNonQuery();
                InsertIndex(capability, row.Descriptor.Capabilities, row.Id);
                InsertIndex(subscription, row.Descriptor.Subscriptions, row.Id);
            }
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

    private static void InsertIndex(SqliteCommand command, IReadOnlyList<string>? values, string id)
    {
        if (values is null)
        {
            return;
        }

        command.Parameters[1].Value = id;
        foreach (var value in values)
        {
            command.Parameters[0].Value = value;
            command.ExecuteNonQuery();
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
