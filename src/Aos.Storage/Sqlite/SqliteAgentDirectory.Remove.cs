using System.Text.Json;
using Aos.Storage.Serialization;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteAgentDirectory
{
    private const string DescriptorSql = "SELECT descriptor FROM agents WHERE id = $id;";
    private const string DeleteAgentSql = "DELETE FROM agents WHERE id = $id;";
    private const string DeleteCapabilitySql = "DELETE FROM agent_capabilities WHERE capability = $k AND agent_id = $id;";
    private const string DeleteSubscriptionSql = "DELETE FROM agent_subscriptions WHERE topic = $k AND agent_id = $id;";
    private const string DeleteAllCapabilitiesSql = "DELETE FROM agent_capabilities WHERE agent_id = $id;";
    private const string DeleteAllSubscriptionsSql = "DELETE FROM agent_subscriptions WHERE agent_id = $id;";

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(AgentId id, CancellationToken cancellationToken = default)
    {
        if (id.Value is null)
        {
            return false;
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _schema.Database.WriteAsync(connection => Remove(connection, id.Value), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _subscribers.Invalidate();
        }
    }

    private static bool Remove(SqliteConnection connection, string id)
    {
        var select = SqliteCommandCache.Get(connection, DescriptorSql, "$id");
        select.Parameters[0].Value = id;
        if (select.ExecuteScalar() is not string json)
        {
            return false;
        }

        // The index tables are keyed by value first; the descriptor says which keys to delete, so no table scan is needed.
        Agents.AgentDescriptor? descriptor = null;
        try
        {
            descriptor = JsonSerializer.Deserialize(json, AosStorageJsonContext.Default.AgentDescriptor);
        }
        catch (JsonException)
        {
            // A descriptor that cannot be read still has to go: fall back to scanning the index tables below.
        }

        if (descriptor is null)
        {
            Delete(connection, DeleteAllCapabilitiesSql, null, id);
            Delete(connection, DeleteAllSubscriptionsSql, null, id);
        }
        else
        {
            foreach (var capability in descriptor.Capabilities ?? [])
            {
                Delete(connection, DeleteCapabilitySql, capability, id);
            }

            foreach (var topic in descriptor.Subscriptions ?? [])
            {
                Delete(connection, DeleteSubscriptionSql, topic, id);
            }
        }

        Delete(connection, DeleteAgentSql, null, id);
        return true;
    }

    private static void Delete(SqliteConnection connection, string sql, string? key, string id)
    {
        SqliteCommand command;
        if (key is null)
        {
            command = SqliteCommandCache.Get(connection, sql, "$id");
            command.Parameters[0].Value = id;
        }
        else
        {
            command = SqliteCommandCache.Get(connection, sql, "$k", "$id");
            command.Parameters[0].Value = key;
            command.Parameters[1].Value = id;
        }

        command.ExecuteNonQuery();
    }
}
