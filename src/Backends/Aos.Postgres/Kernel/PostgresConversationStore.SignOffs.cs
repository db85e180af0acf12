using Aos.Conversations;
using Aos.Postgres.Storage;

namespace Aos.Postgres.Kernel;

internal sealed partial class PostgresConversationStore
{
    /// <inheritdoc />
    public async ValueTask<Conversation> RequireRolesAsync(string id, IReadOnlyList<string> roles, CancellationToken cancellationToken = default)
    {
        ConversationRecord.ValidateId(id);
        var required = ConversationRecord.ValidateRoles(roles);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        return await _database.ExecuteAsync(
            Component,
            async (connection, token) =>
            {
                // A refusal disposes the transaction uncommitted, so a conversation created only to be checked is not kept.
                await using var transaction = await connection.BeginTransactionAsync(token);
                var row = (await LockAsync(connection, id, now, create: true, token))!;
                row.RequireRoles(required);
                await WriteAsync(connection, row, now, token);
                await transaction.CommitAsync(token);
                return row.ToConversation([]);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<Conversation> SignOffAsync(string id, string role, string by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ConversationRecord.ValidateSignOff(role, by);
        var now = _timeProvider.GetUtcNow();
        return await _database.ExecuteAsync(
            Component,
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token);
                var row = await LockAsync(connection, id, now.ToUnixTimeMilliseconds(), create: false, token)
                    ?? throw ConversationRecord.NotFound(id);
                row.SignOff(role, by, now);
                await WriteAsync(connection, row, now.ToUnixTimeMilliseconds(), token);
                await transaction.CommitAsync(token);
                return row.ToConversation([]);
            },
            cancellationToken);
    }
}
