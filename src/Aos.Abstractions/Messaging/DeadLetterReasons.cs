namespace Aos.Messaging;

/// <summary>Names why a message was dead-lettered.</summary>
public static class DeadLetterReasons
{
    /// <summary>Every delivery attempt of the retry budget failed; the last error is kept.</summary>
    public const string MaxAttempts = "max-attempts";

    /// <summary>The message expired before it could be processed.</summary>
    public const string Expired = "expired";

    /// <summary>The recipient is not a registered agent.</summary>
    public const string TargetNotFound = "target-not-found";

    /// <summary>The recipient's inbox was full and a more urgent message took the place of this one.</summary>
    public const string Shed = "shed";
}
