namespace Aos.SystemCalls;

/// <summary>Provides conveniences over <see cref="ISystemCallInvoker"/>.</summary>
public static class SystemCallInvokerExtensions
{
    /// <summary>Passes a call that returns nothing through the pipeline and runs its operation.</summary>
    /// <param name="invoker">The pipeline.</param>
    /// <param name="systemCall">The call.</param>
    /// <param name="operation">The operation, given the call as the stages left it.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the operation has.</returns>
    public static async ValueTask InvokeAsync(this ISystemCallInvoker invoker, SystemCall systemCall, Func<SystemCall, CancellationToken, ValueTask> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(operation);
        await invoker.InvokeAsync(
            systemCall,
            async (c, ct) =>
            {
                await operation(c, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }
}
