namespace Aos.SystemCalls;

/// <summary>Runs system calls through the pipeline: authorization, policy, audit, telemetry and resilience, then the operation itself.</summary>
/// <remarks>
/// Implementations are thread-safe; the registered invoker is a chain of <see cref="DelegatingSystemCallInvoker"/> stages built by
/// <see cref="SystemCallPipelineBuilder"/>. A stage may refuse a call by throwing before the operation runs, change its payload, or hold
/// it; it never swallows the operation's exception.
/// </remarks>
public interface ISystemCallInvoker
{
    /// <summary>Passes a call through the pipeline and runs its operation.</summary>
    /// <typeparam name="TResult">The operation's result.</typeparam>
    /// <param name="systemCall">The call.</param>
    /// <param name="operation">The operation, given the call as the stages left it (its payload may be redacted).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The operation's result.</returns>
    ValueTask<TResult> InvokeAsync<TResult>(SystemCall systemCall, Func<SystemCall, CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default);
}
