namespace Aos.Conversations;

/// <summary>Records one message of a conversation's history.</summary>
/// <param name="Sequence">Its position in the conversation, increasing.</param>
/// <param name="MessageId">The message id.</param>
/// <param name="Type">The message type.</param>
/// <param name="Source">Who sent it.</param>
/// <param name="Target">The agent it was sent to, for a direct message.</param>
/// <param name="Topic">The topic it was published on, for a published message.</param>
/// <param name="At">When it was accepted.</param>
public sealed record ConversationMessage(long Sequence, string MessageId, string Type, string? Source, string? Target, string? Topic, DateTimeOffset At);
