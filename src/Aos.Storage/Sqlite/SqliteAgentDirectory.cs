using System.Text.Json;
using Aos.Agents;
using Aos.Registry;
using Aos.Storage.Serialization;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

/// <summary>Stores the agent directory in the embedded SQLite database, indexed by type, status, capability and subscription.</summary>
/// <remarks>
/// Descriptors are stored as camelCase JSON next to the indexed columns. A descriptor added with no <see cref="AgentDescriptor.CreatedAt"/>
/// is stamped with the current time. <see cref="SetStatusAsync"/> on an agent that is not registered changes nothing.
/// </remarks>
public sealed partial class SqliteAgentDirectory : IAgentDirectory
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE agents (
            id            TEXT    NOT NULL PRIMARY KEY,
            type          TEXT    NOT NULL,
            version       TEXT    NOT NULL,
            status        INTEGER NOT NULL DEFAULT 0,
            status_reason TEXT,
            silo          TEXT,
            descriptor    TEXT    NOT NULL,
            created_at    INTEGER NOT NULL);
        CREATE INDEX ix_agents_type ON agents (type, id);
        CREATE INDEX ix_agents_status ON agents (status, id);
        CREATE TABLE agent_capabilities (
            capability TEXT NOT NULL,
            agent_id   TEXT NOT NULL,
            PRIMARY KEY (capability, agent_id)) WITHOUT ROWID;
        CREATE TABLE agent_subscriptions (
            topic    TEXT NOT NULL,
            agent_id TEXT NOT NULL,
            PRIMARY KEY (topic, agent_id)) WITHOUT ROWID;
        """,
        "CREATE INDEX ix_agent_subscriptions_wildcard ON agent_subscriptions (agent_id) WHERE " + WildcardTerm + ";",
        """
        ALTER TABLE agents ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
        CREATE INDEX ix_agents_tenant ON agents (tenant, id);
        """,
    ];

    // Publishing reads the exact subscribers by key and the (few) wildcard subscriptions through this partial index. CROSS JOIN keeps
    // SQLite from driving these joins from the tenant's agents (ix_agents_tenant), which would visit every agent of the tenant on every
    // publish: the subscriptions come first, each joined to its agent by primary key.
    private const string WildcardTerm = "(instr(topic, '*') > 0 OR instr(topic, '>') > 0)";
    internal const string WildcardSql =
        "SELECT s.topic, s.agent_id, " + MessageTypesTerm + " FROM agent_subscriptions AS s CROSS JOIN agents AS a ON a.id = s.agent_id WHERE a.tenant = $tenant AND " + WildcardTerm + ";";

    private const string GetSql = "SELECT id, status, status_reason, silo, descriptor FROM agents WHERE id = $id;";
    internal const string SubscribersSql =
        "SELECT s.agent_id, " + MessageTypesTerm + " FROM agent_subscriptions AS s CROSS JOIN agents AS a ON a.id = s.agent_id WHERE s.topic = $t AND a.tenant = $tenant ORDER BY s.agent_id;";

    // The message types an agent takes, as a JSON array, or NULL when it lists none (it takes every type).
    private const string MessageTypesTerm = "nullif(json_extract(a.descriptor, '$.messageTypes'), '[]')";
    private const string SetStatusSql = "UPDATE agents SET status = $s, status_reason = $r, silo = $silo WHERE id = $id;";
    private const string ResetStaleSql =
        "UPDATE agents SET status = 0, status_reason = NULL, silo = NULL " +
        "WHERE status = 1 AND (silo IS NULL OR silo NOT IN (SELECT value FROM json_each($silos)));";

    private readonly SchemaGate _schema;
    private readonly TimeProvider _timeProvider;
    private readonly SubscriberCache _subscribers;

    /// <summary>Initializes a new instance of the <see cref="SqliteAgentDirectory"/> class.</summary>
    /// <param name="database">The database that holds the directory.</param>
    /// <param name="timeProvider">The clock that stamps descriptors added without a creation time.</param>
    public SqliteAgentDirectory(SqliteDatabase database, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _schema = new SchemaGate(database, "aos.agent_directory", Migrations);
        _timeProvider = timeProvider;
        _subscribers = SubscriberCache.For(database);
    }

    /// <inheritdoc />
    public async Task<AgentRecord?> GetAsync(AgentId id, CancellationToken cancellationToken = default)
    {
        if (id.Value is null)
        {
            return null;
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _schema.Database.ReadAsync(id.Value, static (connection, id) =>
        {
            var command = SqliteCommandCache.Get(connection, GetSql, "$id");
            command.Parameters[0].Value = id;
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadRecord(reader) : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Exact subscriptions are read by key; wildcard patterns (<c>*</c>, <c>&gt;</c>) through a partial index and matched here. The
    /// result is remembered per topic until the directory next changes (<see cref="SubscriberCache"/>), so a steady stream of
    /// publishes reads it from memory.
    /// </remarks>
    public async Task<IReadOnlyList<AgentId>> GetSubscribersAsync(string tenant, string topic, string? messageType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(topic);
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_subscribers.TryGet(tenant, topic, out var cached))
        {
            return cached.Taking(messageType);
        }

        var generation = _subscribers.Generation;
        var subscribers = await ReadSubscribersAsync(tenant, topic, cancellationToken).ConfigureAwait(false);
        _subscribers.Add(tenant, topic, generation, subscribers);
        return subscribers.Taking(messageType);
    }

    private ValueTask<SubscriberCache.Subscribers> ReadSubscribersAsync(string tenant, string topic, CancellationToken cancellationToken) =>
        _schema.Database.ReadAsync((Tenant: tenant, Topic: topic), static (connection, query) =>
        {
            var (tenant, topic) = query;
            var ids = new SortedSet<string>(StringComparer.Ordinal);
            Dictionary<string, string[]>? types = null;
            var command = SqliteCommandCache.Get(connection, SubscribersSql, "$t", "$tenant");
            command.Parameters[0].Value = topic;
            command.Parameters[1].Value = tenant;
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    ids.Add(reader.GetString(0));
                    ReadTypes(reader, 0, 1, ref types);
                }
            }

            var wildcards = SqliteCommandCache.Get(connection, WildcardSql, "$tenant");
            wildcards.Parameters[0].Value = tenant;
            using (var reader = wildcards.ExecuteReader())
            {
                while (reader.Read())
                {
                    if (Aos.Messaging.TopicPattern.Matches(reader.GetString(0), topic))
                    {
                        ids.Add(reader.GetString(1));
                        ReadTypes(reader, 1, 2, ref types);
                    }
                }
            }

            return new SubscriberCache.Subscribers([.. ids.Select(AgentId.Parse)], types);
        }, cancellationToken);

    private static void ReadTypes(SqliteDataReader reader, int idColumn, int typesColumn, ref Dictionary<string, string[]>? types)
    {
        if (!reader.IsDBNull(typesColumn))
        {
            (types ??= new(StringComparer.Ordinal))[reader.GetString(idColumn)] =
                JsonSerializer.Deserialize(reader.GetString(typesColumn), AosStorageJsonContext.Default.StringArray) ?? [];
        }
    }

    /// <inheritdoc />
    public async Task SetStatusAsync(AgentId id, AgentStatus status, string? reason, string? silo, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(status))
        {
            throw new AosValidationException($"Agent status {(int)status} is not one of {string.Join(", ", Enum.GetNames<AgentStatus>())}.") { Field = "status" };
        }

        if (id.Value is null)
        {
            return;
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _schema.Database.WriteAsync(connection =>
        {
            var command = SqliteCommandCache.Get(connection, SetStatusSql, "$s", "$r", "$silo", "$id");
            command.Parameters[0].Value = (int)status;
            command.Parameters[1].Value = (object?)reason ?? DBNull.Value;
            command.Parameters[2].Value = (object?)silo ?? DBNull.Value;
            command.Parameters[3].Value = id.Value;
            return command.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> ResetStaleActiveAsync(IReadOnlyCollection<string> liveSilos, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(liveSilos);
        var silos = JsonSerializer.Serialize(liveSilos, AosStorageJsonContext.Default.IReadOnlyCollectionString);
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _schema.Database.WriteAsync(connection =>
        {
            var command = SqliteCommandCache.Get(connection, ResetStaleSql, "$silos");
            command.Parameters[0].Value = silos;
            return command.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
    }

    private static AgentRecord ReadRecord(SqliteDataReader reader) => new()
    {
        Descriptor = JsonSerializer.Deserialize(reader.GetString(4), AosStorageJsonContext.Default.AgentDescriptor)
            ?? throw new AosException($"The stored descriptor of agent '{reader.GetString(0)}' is empty."),
        Status = (AgentStatus)reader.GetInt32(1),
        StatusReason = reader.IsDBNull(2) ? null : reader.GetString(2),
        Silo = reader.IsDBNull(3) ? null : reader.GetString(3),
    };
}
