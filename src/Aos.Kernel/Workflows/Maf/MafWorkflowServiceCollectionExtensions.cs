using System.Text.Json;
using Aos.Kernel.SystemCalls;
using Aos.Kernel.Workflows.Kinds;
using Aos.Kernel.Workflows.Maf;
using Aos.Workflows;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Aos.Kernel;

/// <summary>Registers Microsoft Agent Framework workflows that AOS workflow steps can run.</summary>
public static class MafWorkflowServiceCollectionExtensions
{
    /// <summary>
    /// Registers a MAF workflow under a name, and the <c>maf-workflow</c> step kind that runs it with its checkpoints in the AOS storage.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A step of kind <c>maf-workflow</c> with the input <c>{"workflow": "&lt;name&gt;", "input": &lt;JSON&gt;}</c> reads the input as
    /// <typeparamref name="TInput"/>, runs the workflow in process and completes with its output as JSON. Its checkpoints go to an
    /// <see cref="AosCheckpointStore"/> over the grain storage named <see cref="AosStorageNames.GrainStorage"/>, so an attempt interrupted
    /// by a restart resumes from its latest checkpoint.
    /// </para>
    /// <para>
    /// The factory is called for every run, and should build a new workflow each time: MAF does not run one workflow instance in two runs
    /// at once. Workflows that ask for outside input through request ports are not supported.
    /// </para>
    /// <para>
    /// Running one is a system call of the step's run, <c>maf-workflow.run</c> on <c>maf-workflow:{name}</c>, which policy may deny, hold
    /// for approval or redact.
    /// </para>
    /// </remarks>
    /// <typeparam name="TInput">The type the workflow's start executor takes; the step's input is read as this type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="name">The name steps give in their input.</param>
    /// <param name="factory">Builds the workflow.</param>
    /// <param name="serializerOptions">
    /// The options that read the input, write the outputs, and store the workflow's messages and state in checkpoints, or
    /// <see langword="null"/> for <see cref="JsonSerializerOptions.Web"/> (and MAF's own options for checkpoints).
    /// </param>
    /// <returns>The services, for chaining.</returns>
    /// <exception cref="ArgumentException">A workflow with this name is already registered.</exception>
    public static IServiceCollection AddMafWorkflow<TInput>(
        this IServiceCollection services, string name, Func<IServiceProvider, Workflow> factory, JsonSerializerOptions? serializerOptions = null)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (services.Any(d => d.ImplementationInstance is MafWorkflowRegistration registered && registered.Name == name))
        {
            throw new ArgumentException($"A MAF workflow named '{name}' is already registered; give this one another name.", nameof(name));
        }

        services.AddSingleton<MafWorkflowRegistration>(new MafWorkflowRegistration<TInput>(name, factory, serializerOptions));
        services.TryAddSingleton<AosCheckpointStore>();

        // Running a workflow is a system call of the step's run; AddAos registers the same, with the pipeline the node is configured with.
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddDefaultSystemCalls();
        services.TryAddSingleton<StepSystemCalls>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWorkflowStepKind, MafWorkflowStepKind>());
        return services;
    }
}
