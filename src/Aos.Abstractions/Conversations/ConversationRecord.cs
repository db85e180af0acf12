using Aos.Messaging;

namespace Aos.Conversations;

/// <summary>Holds a conversation as a store keeps it, and applies the rules every <see cref="IConversationStore"/> shares: who participates, which roles must sign off, and when it completes.</summary>
/// <remarks>A store reads the record in its transaction, applies one of the methods below (which throw and change nothing when a rule refuses), and writes it back.</remarks>
public sealed class ConversationRecord
{
    /// <summary>Gets the conversation id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets or sets the status, <see cref="Conversation.Open"/> or <see cref="Conversation.Completed"/>.</summary>
    public string Status { get; set; } = Conversation.Open;

    /// <summary>Gets the participants in order of first appearance.</summary>
    public List<string> Participants { get; init; } = [];

    /// <summary>Gets or sets the roles that must sign off.</summary>
    public List<string> Required { get; set; } = [];

    /// <summary>Gets the sign-offs so far.</summary>
    public List<SignOff> SignOffs { get; init; } = [];

    /// <summary>Gets or sets the sequence the next recorded message gets.</summary>
    public long NextSeq { get; set; } = 1;

    /// <summary>Gets when the conversation started, in Unix milliseconds.</summary>
    public long CreatedAt { get; init; }

    /// <summary>Gets or sets when the conversation last changed, in Unix milliseconds.</summary>
    public long UpdatedAt { get; set; }

    /// <summary>Creates the record of a conversation that starts now.</summary>
    /// <param name="id">The conversation id.</param>
    /// <param name="now">The time, in Unix milliseconds.</param>
    /// <returns>The record.</returns>
    public static ConversationRecord New(string id, long now) => new() { Id = id, CreatedAt = now, UpdatedAt = now };

    /// <summary>Creates the error for a conversation that does not exist.</summary>
    /// <param name="id">The conversation id.</param>
    /// <returns>The exception.</returns>
    public static ConversationNotFoundException NotFound(string id) =>
        new($"No conversation '{id}' exists. A conversation starts with its first message or when its required roles are set.");

    /// <summary>Checks a conversation id: 1 to 256 characters.</summary>
    /// <param name="id">The id.</param>
    /// <exception cref="AosValidationException">The id is not valid.</exception>
    public static void ValidateId(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 256)
        {
            throw new AosValidationException("A conversation id must be 1 to 256 characters.") { Field = "id" };
        }
    }

    /// <summary>Checks and trims required roles: at least one, none empty, none twice.</summary>
    /// <param name="roles">The roles.</param>
    /// <returns>The trimmed roles.</returns>
    /// <exception cref="AosValidationException">The roles are not valid.</exception>
    public static List<string> ValidateRoles(IReadOnlyList<string> roles)
    {
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

        return required;
    }

    /// <summary>Checks a sign-off's role and signer.</summary>
    /// <param name="role">The role that signs.</param>
    /// <param name="by">Who signs.</param>
    /// <exception cref="AosValidationException">One is missing.</exception>
    public static void ValidateSignOff(string role, string by)
    {
        if (string.IsNullOrWhiteSpace(role))
        {
            throw new AosValidationException("A sign-off needs the role that signs, for instance \"approver\".") { Field = "role" };
        }

        if (string.IsNullOrWhiteSpace(by))
        {
            throw new AosValidationException("A sign-off needs who signs ('by').") { Field = "by" };
        }
    }

    /// <summary>Adds a recorded message's sender and recipients to the participants, and advances the sequence.</summary>
    /// <param name="message">The message.</param>
    /// <param name="recipients">Its recipients.</param>
    public void Add(Envelope message, IReadOnlyList<AgentId> recipients)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(recipients);
        NextSeq++;
        if (message.Source is { Length: > 0 } source && !Participants.Contains(source))
        {
            Participants.Add(source);
        }

        foreach (var recipient in recipients)
        {
            if (!Participants.Contains(recipient.Value))
            {
                Participants.Add(recipient.Value);
            }
        }
    }

    /// <summary>Sets the roles that must sign off (validated by <see cref="ValidateRoles"/>), unless someone has signed already.</summary>
    /// <param name="required">The roles.</param>
    /// <exception cref="AosValidationException">The conversation has sign-offs.</exception>
    public void RequireRoles(List<string> required)
    {
        if (SignOffs.Count > 0 || Status == Conversation.Completed)
        {
            throw new AosValidationException($"Conversation '{Id}' already has sign-offs; its required roles can no longer change.") { Field = "requiredRoles" };
        }

        Required = required;
    }

    /// <summary>Records a required role's sign-off, once; the conversation completes when every required role has signed.</summary>
    /// <param name="role">The role.</param>
    /// <param name="by">Who signs.</param>
    /// <param name="now">The time.</param>
    /// <exception cref="AosValidationException">The role is not required, or has signed already.</exception>
    public void SignOff(string role, string by, DateTimeOffset now)
    {
        if (!Required.Contains(role, StringComparer.Ordinal))
        {
            var allowed = Required.Count == 0 ? "it requires no sign-off" : "it requires " + string.Join(", ", Required);
            throw new AosValidationException($"Role '{role}' is not required to sign off conversation '{Id}': {allowed}.") { Field = "role" };
        }

        if (SignOffs.Any(s => s.Role == role))
        {
            throw new AosValidationException($"Role '{role}' has already signed off conversation '{Id}'; a role signs once.") { Field = "role" };
        }

        SignOffs.Add(new SignOff(role, by, now));
        if (Required.All(r => SignOffs.Any(s => s.Role == r)))
        {
            Status = Conversation.Completed;
        }
    }

    /// <summary>Creates the public view of the conversation.</summary>
    /// <param name="messages">The messages to include.</param>
    /// <returns>The conversation.</returns>
    public Conversation ToConversation(IReadOnlyList<ConversationMessage> messages) => new(
        Id, Status, Participants, Required, SignOffs, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt), messages);
}
