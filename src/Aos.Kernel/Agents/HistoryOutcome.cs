namespace Aos.Kernel.Agents;

/// <summary>Names how a message's handling ended, as recorded in the history.</summary>
public static class HistoryOutcome
{
    /// <summary>A handler took the message and finished.</summary>
    public const string Handled = "handled";

    /// <summary>No handler took the message; it is recorded all the same.</summary>
    public const string Unhandled = "unhandled";

    /// <summary>Every attempt failed, or the input was refused.</summary>
    public const string Failed = "failed";

    /// <summary>The agent had already processed a message with this id; it was not processed again (and is not recorded again).</summary>
    public const string Duplicate = "duplicate";

    /// <summary>A message of a batch that was rolled back because another message of it failed; it is delivered again on its own.</summary>
    public const string NotKept = "not-kept";

    /// <summary>A message of another tenant than the agent's: to its sender the agent does not exist, so it is dead-lettered as target-not-found.</summary>
    public const string Refused = "refused";

    /// <summary>A published or broadcast message of a type the agent does not take; its handlers did not see it.</summary>
    public const string Filtered = "filtered";
}
