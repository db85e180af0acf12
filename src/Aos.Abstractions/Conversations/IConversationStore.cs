using Aos.Messaging;

namespace Aos.Conversations;

/// <summary>Keeps conversations: their ordered history, participants, required roles and sign-offs.</summary>
/// <remarks>Implementations are thread-safe. A conversation comes into being with its first message or with <see cref="RequireRolesAsync"/>.</remarks>
public interface IConversationStore
{
    /// <summary>Appends accepted messages to their conversations' histories and adds their senders and recipients as participants.</summary>
    /// <param name="messages">The messages with their recipients; messages without a conversation id are ignored.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the history is durable.</returns>
    ValueTask RecordAsync(IReadOnlyList<(Envelope Message, IReadOnlyList<AgentId> Recipients)> messages, CancellationToken cancellationToken = default);

    /// <summary>Gets a conversation with its newest messages.</summary>
    /// <param name="id">The conversation id.</param>
    /// <param name="messageLimit">The most messages to return.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The conversation, or <see langword="null"/> when there is none with that id.</returns>
    ValueTask<Conversation?> GetAsync(string id, int messageLimit, CancellationToken cancellationToken = default);

    /// <summary>Sets the roles that must sign off a conversation, creating it when needed.</summary>
    /// <param name="id">The conversation id.</param>
    /// <param name="roles">The roles; at least one.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The conversation.</returns>
    /// <exception cref="AosValidationException">The conversation already has sign-offs or is completed; nothing changed.</exception>
    ValueTask<Conversation> RequireRolesAsync(string id, IReadOnlyList<string> roles, CancellationToken cancellationToken = default);

    /// <summary>Records a sign-off by a required role; the conversation completes when every required role has signed.</summary>
    /// <param name="id">The conversation id.</param>
    /// <param name="role">The role signing.</param>
    /// <param name="by">Who signs.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The conversation after the sign-off.</returns>
    /// <exception cref="AosValidationException">The role is not required, or has signed already; nothing changed.</exception>
    /// <exception cref="ConversationNotFoundException">There is no conversation with that id.</exception>
    ValueTask<Conversation> SignOffAsync(string id, string role, string by, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets conversations, with their histories, that last changed before a time and wait for nothing: completed ones, and ones that
    /// require no sign-off. An open conversation that waits for sign-offs is kept however old.
    /// </summary>
    /// <remarks>Called only when an operator sets <see cref="MessageBusOptions.ConversationRetention"/>. A message recorded later under a forgotten id starts it anew.</remarks>
    /// <param name="before">The oldest last change to keep.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many conversations were forgotten.</returns>
    ValueTask<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
