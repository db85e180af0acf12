namespace Aos.Conversations;

/// <summary>Describes a conversation: a thread of messages that share a conversation id, with its participants and status.</summary>
/// <param name="Id">The conversation id.</param>
/// <param name="Status"><c>open</c>, or <c>completed</c> once every required role has signed off.</param>
/// <param name="Participants">The agents and outside senders that took part, in order of first appearance.</param>
/// <param name="RequiredRoles">The roles that must sign off for the conversation to complete; empty when none.</param>
/// <param name="SignOffs">The sign-offs given so far, in order.</param>
/// <param name="CreatedAt">When the conversation started.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Messages">Its messages, oldest first (the newest ones when the history was read with a limit).</param>
public sealed record Conversation(
    string Id,
    string Status,
    IReadOnlyList<string> Participants,
    IReadOnlyList<string> RequiredRoles,
    IReadOnlyList<SignOff> SignOffs,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ConversationMessage> Messages)
{
    /// <summary>The status of a conversation that is still going on.</summary>
    public const string Open = "open";

    /// <summary>The status of a conversation whose required roles have all signed off.</summary>
    public const string Completed = "completed";
}
