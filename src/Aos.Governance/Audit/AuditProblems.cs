namespace Aos.Governance.Audit;

/// <summary>Names what verification found wrong with an audit log.</summary>
public static class AuditProblems
{
    /// <summary>An entry's content no longer matches its hash: a field was changed.</summary>
    public const string HashMismatch = "hash mismatch";

    /// <summary>An entry does not follow the one before it: an entry was removed, inserted or moved.</summary>
    public const string ChainBroken = "chain broken";

    /// <summary>A signed checkpoint names an entry the log no longer has: the tail was cut.</summary>
    public const string TailTruncated = "tail truncated";

    /// <summary>A checkpoint's signature does not verify with any known key.</summary>
    public const string CheckpointSignatureInvalid = "checkpoint signature invalid";

    /// <summary>An entry's hash differs from the signed checkpoint for it: the log was changed and re-chained.</summary>
    public const string CheckpointMismatch = "checkpoint mismatch";

    /// <summary>More entries follow a checkpoint than it promised: checkpoints were removed.</summary>
    public const string CheckpointMissing = "checkpoint missing";
}
