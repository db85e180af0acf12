using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Aos.Kernel.Diagnostics;

/// <summary>Owns the kernel's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <c>Aos.Kernel</c>.</summary>
public static class KernelDiagnostics
{
    /// <summary>Gets the name of the kernel's activity source and meter.</summary>
    public const string Name = "Aos.Kernel";

    /// <summary>Gets the kernel's activity source: one span per agent turn.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, typeof(KernelDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>Gets the kernel's meter.</summary>
    public static Meter Meter { get; } = new(Name, typeof(KernelDiagnostics).Assembly.GetName().Version?.ToString());

    internal static Counter<long> EventsHandled { get; } = Meter.CreateCounter<long>("aos.agent.events.handled", "{event}", "Messages an agent finished handling, by outcome.");

    internal static Counter<long> Activations { get; } = Meter.CreateCounter<long>("aos.agent.activations", "{activation}", "Agents woken (activated).");

    internal static Counter<long> Deactivations { get; } = Meter.CreateCounter<long>("aos.agent.deactivations", "{deactivation}", "Agents put to sleep (deactivated).");

    internal static Counter<long> HandlerFailures { get; } = Meter.CreateCounter<long>("aos.agent.handler.failures", "{failure}", "Handler attempts that threw or timed out.");

    internal static Histogram<double> TurnDuration { get; } = Meter.CreateHistogram<double>("aos.agent.turn.duration", "s", "Duration of an agent turn, including persistence.");

    internal static Counter<long> MessagesPublished { get; } = Meter.CreateCounter<long>("aos.bus.messages.published", "{message}", "Messages accepted by the bus, one per recipient.");

    internal static Counter<long> MessagesDelivered { get; } = Meter.CreateCounter<long>("aos.bus.messages.delivered", "{message}", "Messages processed by their recipient.");

    internal static Counter<long> MessagesRedelivered { get; } = Meter.CreateCounter<long>("aos.bus.messages.redelivered", "{message}", "Delivery attempts that failed and were scheduled again.");

    internal static Counter<long> MessagesDeduplicated { get; } = Meter.CreateCounter<long>("aos.bus.messages.deduplicated", "{message}", "Messages not processed again: a duplicate the bus did not store again (tag aos.message.kind), or one its receiver had already processed (tag aos.agent.type).");

    internal static Counter<long> MessagesDeadLettered { get; } = Meter.CreateCounter<long>("aos.bus.messages.dead_lettered", "{message}", "Messages moved to the dead-letter queue, by reason.");

    internal static Counter<long> ConversationsForgotten { get; } = Meter.CreateCounter<long>("aos.bus.conversations.forgotten", "{conversation}", "Conversations that waited for nothing, forgotten with their histories after Aos:Bus:ConversationRetention.");

    internal static Counter<long> DeadLettersRemoved { get; } = Meter.CreateCounter<long>("aos.bus.dead_letters.removed", "{message}", "Dead letters removed for good: discarded by an operator (aos.reason discarded) or past Aos:Bus:DeadLetterRetention (aos.reason retention).");

    internal static Counter<long> WorkflowRunsForgotten { get; } = Meter.CreateCounter<long>("aos.workflows.runs.forgotten", "{run}", "Finished workflow runs forgotten after Aos:Workflows:Retention.");

    internal static Counter<long> StateMachinesForgotten { get; } = Meter.CreateCounter<long>("aos.state_machines.instances.forgotten", "{instance}", "Completed state machine instances forgotten after Aos:StateMachines:Retention.");

    internal static Counter<long> ApprovalsForgotten { get; } = Meter.CreateCounter<long>("aos.approvals.forgotten", "{approval}", "Decided approvals forgotten after Aos:Approvals:Retention.");

    internal static Counter<long> MessagesRefused { get; } = Meter.CreateCounter<long>("aos.bus.messages.refused", "{message}", "Messages refused because the recipient's inbox was full.");

    internal static Counter<long> LateReplies { get; } = Meter.CreateCounter<long>("aos.bus.replies.late", "{reply}", "Replies that arrived after their request's deadline and were dropped.");

    internal static Histogram<double> MessageLatency { get; } = Meter.CreateHistogram<double>("aos.bus.message.latency", "s", "Time from a message's acceptance to its processing by the recipient.");

    internal static Counter<long> SystemCalls { get; } = Meter.CreateCounter<long>("aos.syscalls", "{call}", "System calls that passed the pipeline, by action and outcome.");

    internal static Histogram<double> SystemCallDuration { get; } = Meter.CreateHistogram<double>("aos.syscall.duration", "s", "Duration of a system call, stages and operation together.");
}
