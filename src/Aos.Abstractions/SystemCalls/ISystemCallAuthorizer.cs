namespace Aos.SystemCalls;

/// <summary>Checks that the caller of a system call may make it.</summary>
public interface ISystemCallAuthorizer
{
    /// <summary>Throws when the caller may not make the call; returns when it may.</summary>
    /// <param name="systemCall">The call.</param>
    /// <exception cref="AosException">A refusal that names the right the caller lacks, such as <see cref="Security.AgentGrantException"/>.</exception>
    void Authorize(SystemCall systemCall);
}
