using Aos.SystemCalls;

namespace Aos.Kernel.SystemCalls;

/// <summary>Refuses a system call its caller may not make, before policy or the operation sees it.</summary>
/// <remarks>
/// The check is the call's own <see cref="SystemCall.Authorizer"/>: an agent's grants for the agent's calls, the route's permission
/// (already checked by ASP.NET Core, or refused there and passed on as a refusal) for HTTP calls.
/// </remarks>
public sealed class AuthorizingSystemCallInvoker(ISystemCallInvoker innerInvoker) : DelegatingSystemCallInvoker(innerInvoker)
{
    /// <inheritdoc />
    public override ValueTask<TResult> InvokeAsync<TResult>(SystemCall systemCall, Func<SystemCall, CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(systemCall);
        systemCall.Authorizer?.Authorize(systemCall);
        return base.InvokeAsync(systemCall, operation, cancellationToken);
    }
}
