namespace Aos.SystemCalls;

/// <summary>Builds the system-call pipeline from stages; the first stage added is the outermost.</summary>
/// <remarks>Like <c>ChatClientBuilder</c>: each <see cref="Use(Func{ISystemCallInvoker, IServiceProvider, ISystemCallInvoker})"/> wraps the stages added after it.</remarks>
public sealed class SystemCallPipelineBuilder
{
    private readonly List<Func<ISystemCallInvoker, IServiceProvider, ISystemCallInvoker>> _stages = [];

    /// <summary>Adds a stage that wraps the stages added after it.</summary>
    /// <param name="stage">Creates the stage around the next one, given the services.</param>
    /// <returns>The same builder, for chaining.</returns>
    public SystemCallPipelineBuilder Use(Func<ISystemCallInvoker, IServiceProvider, ISystemCallInvoker> stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        _stages.Add(stage);
        return this;
    }

    /// <summary>Adds a stage that wraps the stages added after it.</summary>
    /// <param name="stage">Creates the stage around the next one.</param>
    /// <returns>The same builder, for chaining.</returns>
    public SystemCallPipelineBuilder Use(Func<ISystemCallInvoker, ISystemCallInvoker> stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return Use((inner, _) => stage(inner));
    }

    /// <summary>Builds the pipeline, ending in <see cref="SystemCallInvoker.Direct"/>.</summary>
    /// <param name="services">The services the stages are created from.</param>
    /// <returns>The outermost stage.</returns>
    public ISystemCallInvoker Build(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var invoker = SystemCallInvoker.Direct;
        for (var i = _stages.Count - 1; i >= 0; i--)
        {
            invoker = _stages[i](invoker, services)
                ?? throw new InvalidOperationException($"System-call stage {i} returned null; a stage must return an invoker.");
        }

        return invoker;
    }
}
