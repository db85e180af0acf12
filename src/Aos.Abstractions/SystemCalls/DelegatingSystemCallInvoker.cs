namespace Aos.SystemCalls;

/// <summary>Provides a pipeline stage that passes calls to an inner invoker; derive from it to add a cross-cutting concern.</summary>
public abstract class DelegatingSystemCallInvoker : ISystemCallInvoker
{
    /// <summary>Initializes a new instance of the <see cref="DelegatingSystemCallInvoker"/> class.</summary>
    /// <param name="innerInvoker">The next stage.</param>
    protected DelegatingSystemCallInvoker(ISystemCallInvoker innerInvoker)
    {
        ArgumentNullException.ThrowIfNull(innerInvoker);
        InnerInvoker = innerInvoker;
    }

    /// <summary>Gets the next stage.</summary>
    protected ISystemCallInvoker InnerInvoker { get; }

    /// <inheritdoc />
    public virtual ValueTask<TResult> InvokeAsync<TResult>(SystemCall systemCall, Func<SystemCall, CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default) =>
        InnerInvoker.InvokeAsync(systemCall, operation, cancellationToken);
}
