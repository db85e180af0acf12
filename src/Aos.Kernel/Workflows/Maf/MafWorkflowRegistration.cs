using System.Text.Json;
using Microsoft.Agents.AI.Workflows;

namespace Aos.Kernel.Workflows.Maf;

/// <summary>Names a MAF workflow that <c>maf-workflow</c> steps can run, with the type its start executor takes.</summary>
internal abstract class MafWorkflowRegistration
{
    private protected MafWorkflowRegistration(string name, Func<IServiceProvider, Workflow> factory, JsonSerializerOptions? serializerOptions)
    {
        Name = name;
        Factory = factory;
        CheckpointSerializerOptions = serializerOptions;
        SerializerOptions = serializerOptions ?? JsonSerializerOptions.Web;
    }

    /// <summary>Gets the name steps give in their input.</summary>
    public string Name { get; }

    /// <summary>Gets the factory that builds a fresh workflow for each run.</summary>
    public Func<IServiceProvider, Workflow> Factory { get; }

    /// <summary>Gets the options that read the input and write the outputs.</summary>
    public JsonSerializerOptions SerializerOptions { get; }

    /// <summary>Gets the options MAF stores messages and state in checkpoints with, or <see langword="null"/> for its own.</summary>
    public JsonSerializerOptions? CheckpointSerializerOptions { get; }

    /// <summary>Gets the type the input is read as.</summary>
    public abstract Type InputType { get; }

    /// <summary>Reads a step's input as <see cref="InputType"/>.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The input, or <see langword="null"/> when it is JSON <c>null</c>.</returns>
    /// <exception cref="JsonException">The input does not fit <see cref="InputType"/>.</exception>
    public abstract object? ReadInput(JsonElement input);

    /// <summary>Starts a run of the workflow with an input read by <see cref="ReadInput"/>.</summary>
    /// <param name="environment">The environment to run in.</param>
    /// <param name="workflow">The workflow.</param>
    /// <param name="input">The input.</param>
    /// <param name="sessionId">The MAF session id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The run.</returns>
    public abstract ValueTask<StreamingRun> RunStreamingAsync(
        IWorkflowExecutionEnvironment environment, Workflow workflow, object input, string sessionId, CancellationToken cancellationToken);
}

/// <summary>Names a MAF workflow whose start executor takes <typeparamref name="TInput"/>.</summary>
/// <typeparam name="TInput">The type the step's input is read as.</typeparam>
internal sealed class MafWorkflowRegistration<TInput>(string name, Func<IServiceProvider, Workflow> factory, JsonSerializerOptions? serializerOptions)
    : MafWorkflowRegistration(name, factory, serializerOptions)
    where TInput : notnull
{
    public override Type InputType => typeof(TInput);

    public override object? ReadInput(JsonElement input) => input.Deserialize<TInput>(SerializerOptions);

    // MAF routes the first message by the static type it is given, so the input goes in as TInput, not as object.
    public override ValueTask<StreamingRun> RunStreamingAsync(
        IWorkflowExecutionEnvironment environment, Workflow workflow, object input, string sessionId, CancellationToken cancellationToken) =>
        environment.RunStreamingAsync(workflow, (TInput)input, sessionId, cancellationToken);
}
