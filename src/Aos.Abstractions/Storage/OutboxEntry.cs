namespace Aos.Storage;

/// <summary>Holds one outgoing message waiting in the outbox.</summary>
/// <param name="Sequence">Its position, increasing and never reused.</param>
/// <param name="AgentId">The agent that sent it.</param>
/// <param name="Envelope">The message as JSON.</param>
public sealed record OutboxEntry(long Sequence, AgentId AgentId, string Envelope);
