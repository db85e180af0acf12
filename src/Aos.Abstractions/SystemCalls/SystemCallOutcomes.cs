namespace Aos.SystemCalls;

/// <summary>Names how a system call ended, as the audit log records it.</summary>
public static class SystemCallOutcomes
{
    /// <summary>The operation ran and completed.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Authorization or policy refused the call; the operation did not run.</summary>
    public const string Denied = "denied";

    /// <summary>The operation ran and threw, or a stage failed.</summary>
    public const string Failed = "failed";
}
