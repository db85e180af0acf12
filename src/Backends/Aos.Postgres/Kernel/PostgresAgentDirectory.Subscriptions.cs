using System.Text.Json;
using Aos.Agents;
using Aos.Postgres.Storage;
using Aos.Registry;
using Npgsql;

namespace Aos.Postgres.Kernel;

internal sealed partial class PostgresAgentDirectory
{
    /// <inheritdoc />
    /// <remarks>The capability and subscription rows go with the agent's row (<c>ON DELETE CASCADE</c>), in the same statement.</remarks>
    public async Task<bool> RemoveAsync(AgentId id, CancellationToken cancellationToken = default)
    {
        if (id.Value is null)
        {
            return false;
        }

        return await _database.ExecuteAsync(
            Component,
            async (connection, token) => await connection.ExecuteAsync($"DELETE FROM {_agents} WHERE id = $1", token, id.Value) > 0,
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> SubscribeAsync(AgentId id, string pattern, CancellationToken cancellationToken = default)
    {
        Aos.Messaging.TopicPattern.ValidatePattern(pattern);
        return await ChangeSubscriptionAsync(id, pattern, subscribe: true, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> UnsubscribeAsync(AgentId id, string pattern, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return await ChangeSubscriptionAsync(id, pattern, subscribe: false, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<AgentRecord> SetGrantsAsync(AgentId id, AgentGrants grants, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grants);
        var found = id.Value is not null && await _database.ExecuteAsync(
            Component,
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token);
                var json = await connection.ScalarAsync<string>($"SELECT descriptor::text FROM {_agents} WHERE id = $1 FOR UPDATE", token, id.Value);
                if (json is null)
                {
                    return false;
                }

                var descriptor = JsonSerializer.Deserialize(json, PostgresKernelJsonContext.Default.AgentDescriptor)!;
                await connection.ExecuteAsync(
                    $"UPDATE {_agents} SET descriptor = $1::jsonb WHERE id = $2",
                    token,
                    JsonSerializer.Serialize(descriptor with { Grants = grants }, PostgresKernelJsonContext.Default.AgentDescriptor),
                    id.Value);
                await transaction.CommitAsync(token);
                return true;
            },
            cancellationToken);
        return (found ? await GetAsync(id, cancellationToken) : null) ?? throw new AgentNotFoundException(id.Value ?? string.Empty);
    }

    private async Task<bool> ChangeSubscriptionAsync(AgentId id, string pattern, bool subscribe, CancellationToken cancellationToken)
    {
        if (id.Value is null)
        {
            return false;
        }

        return await _database.ExecuteAsync(Component, (connection, token) => ChangeSubscriptionAsync(connection, id.Value, pattern, subscribe, token), cancellationToken);
    }

    private async ValueTask<bool> ChangeSubscriptionAsync(NpgsqlConnection connection, string id, string pattern, bool subscribe, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The row lock orders concurrent changes to one agent's subscriptions, from any node: none is lost from the descriptor.
        var json = await connection.ScalarAsync<string>($"SELECT descriptor::text FROM {_agents} WHERE id = $1 FOR UPDATE", cancellationToken, id)
            ?? throw new AgentNotFoundException(id);

        // The descriptor lists every subscription, declared or added at run time, as the embedded directory's does.
        var descriptor = JsonSerializer.Deserialize(json, PostgresKernelJsonContext.Default.AgentDescriptor)!;
        if (descriptor.Subscriptions.Contains(pattern, StringComparer.Ordinal) == subscribe)
        {
            return false;
        }

        var subscriptions = subscribe
            ? [.. descriptor.Subscriptions, pattern]
            : descriptor.Subscriptions.Where(s => !string.Equals(s, pattern, StringComparison.Ordinal)).ToList();
        await connection.ExecuteAsync(
            $"UPDATE {_agents} SET descriptor = $1::jsonb WHERE id = $2",
            cancellationToken,
            JsonSerializer.Serialize(descriptor with { Subscriptions = subscriptions }, PostgresKernelJsonContext.Default.AgentDescriptor),
            id);
        await connection.ExecuteAsync(
            subscribe
                ? $"INSERT INTO {_subscriptions} (topic, agent_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                : $"DELETE FROM {_subscriptions} WHERE topic = $1 AND agent_id = $2",
            cancellationToken,
            pattern,
            id);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
