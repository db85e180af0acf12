using Aos.Conversations;
using Aos.Postgres.Storage;

namespace Aos.Postgres.Kernel;

internal sealed partial class PostgresConversationStore
{
    /// <inheritdoc />
    public async ValueTask<Conversation> RequireRolesAsync(string id, IReadOnlyList<string> roles, CancellationToken cancellationToken = default)
    {
        ValidateId(id);
        ArgumentNullException.ThrowIfNull(roles);
        var required = roles.Select(r => r?.Trim() ?? string.Empty).ToList();
        if (required.Count == 0 || required.Any(r => r.Length == 0))
        {
            throw new AosValidationException("A conversation needs at least one required role, and no role may be empty, for instance [\"reviewer\", \"approver\"].") { Field = "requiredRoles" };
        }

        if (required.Distinct(StringComparer.Ordinal).Count() != required.Count)
        {
            throw new AosValidationException("The required roles list a role twice; name each role once.") { Field = "requiredRoles" };
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        return await _database.ExecuteAsync(
            Component,
            async (connection, token) =>
            {
                // A refusal disposes the transaction uncommitted, so a conversation created only to be checked is not kept.
                await using var transaction = await connection.BeginTransactionAsync(token);
                var row = (await LockAsync(connection, id, now, create: true, token))!;
                if (row.SignOffs.Count > 0 || row.Status == Conversation.Completed)
                {
                    throw new AosValidationException($"Conversation '{id}' already has sign-offs; its required roles can no longer change.") { Field = "requiredRoles" };
                }

                row.Required = required;
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
        if (string.IsNullOrWhiteSpace(role))
        {
            throw new AosValidationException("A sign-off needs the role that signs, for instance \"approver\".") { Field = "role" };
        }

        if (string.IsNullOrWhiteSpace(by))
        {
            throw new AosValidationException("A sign-off needs who signs ('by').") { Field = "by" };
        }

        var now = _timeProvider.GetUtcNow();
        return await _database.ExecuteAsync(
            Component,
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token);
                var row = await LockAsync(connection, id, now.ToUnixTimeMilliseconds(), create: false, token)
                    ?? throw new ConversationNotFoundException($"No conversation '{id}' exists. A conversation starts with its first message or when its required roles are set.");
                if (!row.Required.Contains(role, StringComparer.Ordinal))
                {
                    var allowed = row.Required.Count == 0 ? "it requires no sign-off" : "it requires " + string.Join(", ", row.Required);
                    throw new AosValidationException($"Role '{role}' is not required to sign off conversation '{id}': {allowed}.") { Field = "role" };
                }

                if (row.SignOffs.Any(s => s.Role == role))
                {
                    throw new AosValidationException($"Role '{role}' has already signed off conversation '{id}'; a role signs once.") { Field = "role" };
                }

                row.SignOffs.Add(new SignOff(role, by, now));
                if (row.Required.All(r => row.SignOffs.Any(s => s.Role == r)))
                {
                    row.Status = Conversation.Completed;
                }

                await WriteAsync(connection, row, now.ToUnixTimeMilliseconds(), token);
                await transaction.CommitAsync(token);
                return row.ToConversation([]);
            },
            cancellationToken);
    }

    private static void ValidateId(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 256)
        {
            throw new AosValidationException("A conversation id must be 1 to 256 characters.") { Field = "id" };
        }
    }
}
