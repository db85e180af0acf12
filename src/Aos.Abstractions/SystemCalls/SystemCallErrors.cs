using Aos.Security;

namespace Aos.SystemCalls;

/// <summary>Tells a refused system call from a failed one.</summary>
public static class SystemCallErrors
{
    /// <summary>Returns whether an exception is a refusal — by authorization, policy, an approval's decision or load shedding — rather than a failure.</summary>
    /// <param name="exception">The exception a call ended with.</param>
    /// <returns><see langword="true"/> for a refusal.</returns>
    public static bool IsRefusal(Exception exception) =>
        exception is AgentGrantException or SystemCallDeniedException or SystemCallForbiddenException or Reliability.OverloadedException or Reliability.RateLimitedException;
}
