namespace Aos.SystemCalls;

/// <summary>Provides the end of every pipeline: the invoker that runs the operation and nothing else.</summary>
public static class SystemCallInvoker
{
    /// <summary>Gets the invoker that runs a call's operation directly, with no stage around it.</summary>
    public static ISystemCallInvoker Direct { get; } = new DirectInvoker();

    private sealed class DirectInvoker : ISystemCallInvoker
    {
        public ValueTask<TResult> InvokeAsync<TResult>(SystemCall systemCall, Func<SystemCall, CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(systemCall);
            ArgumentNullException.ThrowIfNull(operation);
            return operation(systemCall, cancellationToken);
        }
    }
}
