using Aos.SystemCalls;

namespace Aos.Reliability.SystemCalls;

/// <summary>Admits system calls against the node's capacity by priority, and refuses the rest with <see cref="OverloadedException"/>.</summary>
/// <remarks>
/// A call is in flight from admission until its operation ends. From the warning threshold on the load is reported; from the shedding
/// threshold only critical calls are admitted, and at capacity none. Per-principal rate limits apply at the HTTP door.
/// </remarks>
public sealed class LoadSheddingSystemCallInvoker(ISystemCallInvoker innerInvoker, LoadShedder shedder) : DelegatingSystemCallInvoker(innerInvoker)
{
    /// <inheritdoc />
    public override async ValueTask<TResult> InvokeAsync<TResult>(SystemCall systemCall, Func<SystemCall, CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(systemCall);
        using var lease = shedder.Enter(systemCall.Priority);
        return await base.InvokeAsync(systemCall, operation, cancellationToken).ConfigureAwait(false);
    }
}
