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
}
