using System.Text.Json;
using Aos.Agents;
using Aos.Registry;
using Aos.Storage.Serialization;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteAgentDirectory
{
    private const string UpdateDescriptorSql = "UPDATE agents SET descriptor = $d WHERE id = $id;";
    private const string InsertSubscriptionSql = "INSERT OR IGNORE INTO agent_subscriptions (topic, agent_id) VALUES ($k, $id);";
    private const string IdsByPrefixSql =
        "SELECT id FROM agents WHERE tenant = $tenant AND id > $after AND substr(id, 1, length($p)) = $p ORDER BY id LIMIT $n;";

    /// <inheritdoc />
    public async Task<bool> SubscribeAsync(AgentId id, string pattern, CancellationToken cancellationToken = default)
    {
        Aos.Messaging.TopicPattern.ValidatePattern(pattern);
        return await ChangeSubscriptionAsync(id, pattern, subscribe: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> UnsubscribeAsync(AgentId id, string pattern, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return await ChangeSubscriptionAsync(id, pattern, subscribe: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AgentId>> ListIdsAsync(string tenant, string prefix, string? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _schema.Database.ReadAsync((Tenant: tenant, Prefix: prefix, After: after ?? string.Empty, Limit: limit), static (connection, query) =>
        {
            var command = SqliteCommandCache.Get(connection, IdsByPrefixSql, "$after", "$p", "$n", "$tenant");
            command.Parameters[0].Value = query.After;
            command.Parameters[1].Value = query.Prefix;
            command.Parameters[2].Value = query.Limit;
            command.Parameters[3].Value = query.Tenant;
            var ids = new List<AgentId>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(AgentId.Parse(reader.GetString(0)));
            }

            return ids;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<AgentRecord> SetGrantsAsync(AgentId id, AgentGrants grants, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grants);
        if (id.Value is null)
        {
            throw new AgentNotFoundException(string.Empty);
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _schema.Database.WriteAsync(
            connection =>
            {
                var select = SqliteCommandCache.Get(connection, DescriptorSql, "$id");
                select.Parameters[0].Value = id.Value;
                if (select.ExecuteScalar() is not string json)
                {
                    throw new AgentNotFoundException(id.Value);
                }

                var descriptor = JsonSerializer.Deserialize(json, AosStorageJsonContext.Default.AgentDescriptor)!;
                var update = SqliteCommandCache.Get(connection, UpdateDescriptorSql, "$d", "$id");
                update.Parameters[0].Value = JsonSerializer.Serialize(descriptor with { Grants = grants }, AosStorageJsonContext.Default.AgentDescriptor);
                update.Parameters[1].Value = id.Value;
                update.ExecuteNonQuery();
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        return await GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new AgentNotFoundException(id.Value);
    }

    private async Task<bool> ChangeSubscriptionAsync(AgentId id, string pattern, bool subscribe, CancellationToken cancellationToken)
    {
        if (id.Value is null)
        {
            return false;
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ChangeSubscriptionAsync(id.Value, pattern, subscribe, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _subscribers.Invalidate();
        }
    }

    private Task<bool> ChangeSubscriptionAsync(string id, string pattern, bool subscribe, CancellationToken cancellationToken) =>
        _schema.Database.WriteAsync(
            connection =>
            {
                var select = SqliteCommandCache.Get(connection, DescriptorSql, "$id");
                select.Parameters[0].Value = id;
                if (select.ExecuteScalar() is not string json)
                {
                    throw new AgentNotFoundException(id);
                }

                // The descriptor lists every subscription, declared or added at run time, so removal knows which index rows to delete.
                var descriptor = JsonSerializer.Deserialize(json, AosStorageJsonContext.Default.AgentDescriptor)!;
                var has = descriptor.Subscriptions.Contains(pattern, StringComparer.Ordinal);
                if (has == subscribe)
                {
                    return false;
                }

                var subscriptions = subscribe
                    ? [.. descriptor.Subscriptions, pattern]
                    : descriptor.Subscriptions.Where(s => !string.Equals(s, pattern, StringComparison.Ordinal)).ToList();
                var update = SqliteCommandCache.Get(connection, UpdateDescriptorSql, "$d", "$id");
                update.Parameters[0].Value = JsonSerializer.Serialize(descriptor with { Subscriptions = subscriptions }, AosStorageJsonContext.Default.AgentDescriptor);
                update.Parameters[1].Value = id;
                update.ExecuteNonQuery();
                if (subscribe)
                {
                    var insert = SqliteCommandCache.Get(connection, InsertSubscriptionSql, "$k", "$id");
                    insert.Parameters[0].Value = pattern;
                    insert.Parameters[1].Value = id;
                    insert.ExecuteNonQuery();
                }
                else
                {
                    Delete(connection, DeleteSubscriptionSql, pattern, id);
                }

                return true;
            },
            cancellationToken);
}
