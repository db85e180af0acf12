using System.Collections.Concurrent;
using Aos.Kernel.StateMachines;
using Aos.Kernel.Tests.Cluster;
using Aos.Kernel.Tests.Support;
using Aos.Kernel.Tests.Workflows;
using Aos.Workflows;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Aos.Kernel.Tests.StateMachines;

/// <summary>Runs the tests that drive the fake clock one class at a time, on one shared cluster: they share the clock and its armed timers.</summary>
[CollectionDefinition(Name)]
public sealed class FakeClockCluster : ICollectionFixture<StateMachineClusterFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "fake-clock cluster";
}

/// <summary>
/// A one-silo AOS cluster whose <see cref="TimeProvider"/> is a fake clock shared with the tests, with a <c>ticket</c> machine whose
/// states signal when an instance enters them.
/// </summary>
public sealed class StateMachineClusterFixture : AgentClusterFixture
{
    /// <summary>Gets the silo's clock.</summary>
    internal static TimerObservingTimeProvider Time { get; } = new();

    /// <summary>Gets how long the cluster's bus keeps a dead letter, and a conversation that waits for nothing.</summary>
    internal static TimeSpan DeadLetterRetention { get; } = TimeSpan.FromDays(1);

    /// <summary>Gets how long the cluster keeps a finished workflow run, a completed state machine instance and a decided approval.</summary>
    internal static TimeSpan Retention { get; } = TimeSpan.FromDays(1);

    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Entered = new(StringComparer.Ordinal);

    public override short SiloCount => 1;

    /// <summary>Gets a task that completes when the instance enters the state.</summary>
    public static Task EnteredAsync(string instance, string state) => Signal(instance, state).Task;

    protected override void Configure(TestClusterBuilder builder)
    {
        foreach (var section in new[] { "Aos:Workflows", "Aos:StateMachines", "Aos:Approvals" })
        {
            builder.Properties[section + ":Retention"] = Retention.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        builder.AddSiloBuilderConfigurator<FakeClock>();
    }

    private static TaskCompletionSource Signal(string instance, string state) =>
        Entered.GetOrAdd(instance + "→" + state, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private sealed class FakeClock : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.Services.AddSingleton<TimeProvider>(Time);
            siloBuilder.Services.Configure<Aos.Messaging.MessageBusOptions>(o => (o.DeadLetterRetention, o.ConversationRetention) = (DeadLetterRetention, DeadLetterRetention));
            siloBuilder.Services.AddSingleton<IWorkflowStepKind, ScriptedStepKind>();
            siloBuilder.Services.AddMafWorkflow<string>("greet", _ =>
            {
                var upper = ExecutorBindingExtensions.BindAsExecutor<string, string>(new Func<string, string>(text => text.ToUpperInvariant()), "upper");
                var exclaim = ExecutorBindingExtensions.BindAsExecutor<string, string>(new Func<string, string>(text => text + "!"), "exclaim");
                return new Microsoft.Agents.AI.Workflows.WorkflowBuilder(upper).AddEdge(upper, exclaim).WithOutputFrom(exclaim).Build();
            });
            StateMachineHook signal = (context, _) =>
            {
                Signal(context.InstanceId, context.Transition.To).TrySetResult();
                return ValueTask.CompletedTask;
            };
            siloBuilder.Services.AddStateMachine(new StateMachineBuilder("ticket")
                .State("open", s => s.Timeout(TimeSpan.FromHours(4)).OnEnter(signal))
                .State("escalated", s => s.Timeout(TimeSpan.FromHours(8)).OnEnter(signal))
                .State("closed", s => s.Terminal().OnEnter(signal))
                .Transition("open", "close", "closed")
                .Transition("open", "open_timeout", "escalated", t => t.Escalation().Do(StateMachineHooks.Escalate))
                .Transition("escalated", "close", "closed")
                .Transition("escalated", "escalated_timeout", "closed", t => t.Escalation()));
        }
    }
}
