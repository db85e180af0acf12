namespace Aos.Governance.Audit;

/// <summary>Represents a signed statement that the entry at <paramref name="Id"/> had <paramref name="Hash"/>.</summary>
/// <remarks>
/// The signature is HMAC-SHA256, with the key named by <paramref name="KeyId"/>, over <c>id|hash|time|every</c>. Without the key
/// nobody can re-chain the log and forge checkpoints that match, nor cut the tail below a checkpoint unnoticed.
/// </remarks>
/// <param name="Id">The sequence number of the entry the checkpoint covers.</param>
/// <param name="Hash">That entry's hash, lowercase hex.</param>
/// <param name="Time">When the checkpoint was signed.</param>
/// <param name="Every">The promised distance to the next checkpoint: at most this many entries follow before another one.</param>
/// <param name="KeyId">The first 8 hex digits of the SHA-256 of the signing key.</param>
/// <param name="Signature">The signature, lowercase hex.</param>
public sealed record AuditCheckpoint(long Id, string Hash, DateTimeOffset Time, int Every, string KeyId, string Signature);
