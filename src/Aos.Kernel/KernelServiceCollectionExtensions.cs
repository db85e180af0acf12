using Aos.Agents;
using Aos.Kernel.Agents;
using Aos.Kernel.Approvals;
using Aos.Kernel.SystemCalls;
using Aos.Kernel.Agents.BuiltIn;
using Aos.Kernel.Lifecycle;
using Aos.Kernel.Messaging;
using Aos.Kernel.StateMachines;
using Aos.Kernel.Workflows;
using Aos.Kernel.Workflows.Kinds;
using Aos.Workflows;
using Aos.Kernel.Timers;
using Aos.Messaging;
using Aos.Kernel.Models;
using Aos.Kernel.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Aos.Kernel;

/// <summary>Registers the AOS kernel in an Orleans silo.</summary>
public static class KernelServiceCollectionExtensions
{
    /// <summary>The shortest retention of finished objects (state machine instances, approvals) the options accept.</summary>
    private static readonly TimeSpan MinimumRetention = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Adds the kernel: agent grains, the registry, the agent client, the built-in agent types (<c>echo</c>,
    /// <c>purpose</c>, <c>chat</c>) and the kernel and model options bound from configuration.
    /// </summary>
    /// <remarks>
    /// The silo must also have an <see cref="Aos.Registry.IAgentDirectory"/>, an <see cref="Aos.Storage.IAgentJournal"/>, an
    /// <see cref="Aos.Storage.IAgentOutbox"/>, an <see cref="Aos.Storage.IProcessedMessageLog"/>, an <see cref="Aos.Conversations.IConversationStore"/>,
    /// an <see cref="IMessageTransport"/> with its <see cref="IMessageLedger"/>, a grain storage named <see cref="AosStorageNames.GrainStorage"/>
    /// and a reminder service. The message bus options are bound from <c>Aos:Bus</c>.
    /// </remarks>
    /// <param name="services">The silo's services.</param>
    /// <param name="configuration">The configuration to bind <c>Aos:Kernel</c> and <c>Aos:Models:Default</c> from.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddAosKernel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<KernelOptions>().Bind(configuration.GetSection(KernelOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KernelOptions>, KernelOptionsValidator>());
        services.TryAddSingleton<AgentStoreIndex>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgentDeletionParticipant, AgentStoreIndex>(sp => sp.GetRequiredService<AgentStoreIndex>()));
        services.AddOptions<ModelOptions>().Bind(configuration.GetSection(ModelOptions.DefaultSectionName));
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<KernelOptions>>((collection, kernel) =>
        {
            var idle = kernel.Value.IdleTimeout;
            collection.ClassSpecificCollectionAge[typeof(AgentGrain).FullName!] = idle;
            if (collection.CollectionQuantum >= idle)
            {
                // Orleans checks for idle grains once per quantum; it must be shorter than the idle timeout.
                collection.CollectionQuantum = idle / 2;
            }
        });
        services.AddOptions<SiloMessagingOptions>().Configure<IOptions<KernelOptions>>((messaging, kernel) =>
        {
            // A grain call must outlive a full turn: every attempt, the backoff between them, and the commit.
            var turn = (kernel.Value.TurnTimeout * kernel.Value.MaxAttempts) + TimeSpan.FromSeconds(30);
            if (messaging.ResponseTimeout < turn)
            {
                messaging.ResponseTimeout = turn;
            }
        });

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DefaultChatClientProvider>();
        services.TryAddSingleton(sp => new AgentTypeCatalog(sp.GetServices<AgentTypeInfo>()));
        services.TryAddSingleton<AgentRegistry>();
        services.TryAddSingleton<AgentClient>();
        services.AddOptions<StateMachineOptions>().Bind(configuration.GetSection(StateMachineOptions.SectionName))
            .Validate(o => o.Retention is null || o.Retention >= MinimumRetention, $"{StateMachineOptions.SectionName}:Retention must be at least 00:01:00, or unset to keep completed instances for good.")
            .ValidateOnStart();
        services.TryAddSingleton<StateMachineHooks>();
        services.TryAddSingleton(sp => new StateMachineCatalog(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<StateMachineHooks>(), sp.GetServices<StateMachine>()));
        services.TryAddSingleton<StateMachineClient>();
        services.AddOptions<ApprovalOptions>().Bind(configuration.GetSection(ApprovalOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApprovalOptions>, ApprovalOptionsValidator>());
        services.TryAddSingleton<ApprovalClient>();
        services.TryAddSingleton<Aos.Approvals.IApprovalGate, ApprovalGate>();
        services.TryAddDefaultSystemCalls();
        services.AddOptions<WorkflowOptions>().Bind(configuration.GetSection(WorkflowOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkflowOptions>, WorkflowOptionsValidator>());
        services.TryAddSingleton<WorkflowPayloads>();
        services.TryAddSingleton<WorkflowCatalog>();
        services.TryAddSingleton<WorkflowStepKinds>();
        services.TryAddSingleton<WorkflowClient>();
        services.TryAddSingleton<StepSystemCalls>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWorkflowStepKind, PublishStepKind>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWorkflowStepKind, AgentRequestStepKind>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWorkflowStepKind, ApprovalStepKind>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWorkflowStepKind, TimerStepKind>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWorkflowStepKind, ChildWorkflowStepKind>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, OverdueDeadlines>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StaleStatusReconciler>();

        services.AddOptions<MessageBusOptions>().Bind(configuration.GetSection(MessageBusOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessageBusOptions>, MessageBusOptionsValidator>());
        services.TryAddSingleton<SettlementSignals>();
        services.TryAddSingleton(sp => new MessageBus(
            sp.GetRequiredService<IMessageTransport>(),
            sp.GetRequiredService<IMessageLedger>(),
            sp.GetRequiredService<Aos.Registry.IAgentDirectory>(),
            sp.GetRequiredService<Aos.Conversations.IConversationStore>(),
            sp.GetRequiredService<IOptions<MessageBusOptions>>(),
            sp.GetRequiredService<IOptions<KernelOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<SettlementSignals>()));
        services.TryAddSingleton<OutboxRelay>();
        services.TryAddSingleton<MessageDispatcher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<MessageDispatcher>());

        services.AddAgent<EchoAgent>();
        services.AddAgent<PurposeAgent>();
        services.AddSingleton(AgentTypeCatalog.Describe(
            typeof(ChatAgent),
            (sp, _) => sp.GetRequiredService<DefaultChatClientProvider>().EnsureConfigured()));
        return services;
    }

    /// <summary>Registers an agent type marked with <see cref="Aos.Agents.AgentTypeAttribute"/>.</summary>
    /// <typeparam name="TAgent">The agent class.</typeparam>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddAgent<TAgent>(this IServiceCollection services)
        where TAgent : Aos.Agents.Agent
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(AgentTypeCatalog.Describe(typeof(TAgent)));
        return services;
    }

    /// <summary>Registers a state machine defined in code; its hooks and guards are added to the node's <see cref="StateMachineHooks"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="builder">The machine.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddStateMachine(this IServiceCollection services, StateMachineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(builder);
        services.TryAddSingleton<StateMachineHooks>();
        services.AddSingleton(sp => builder.Build(sp.GetRequiredService<StateMachineHooks>()));
        return services;
    }

    /// <summary>Registers every agent type marked with <see cref="Aos.Agents.AgentTypeAttribute"/> in an assembly.</summary>
    /// <param name="services">The services.</param>
    /// <param name="assembly">The assembly to search.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddAgentsFromAssembly(this IServiceCollection services, System.Reflection.Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var type in AgentTypeCatalog.Discover(assembly))
        {
            services.AddSingleton(type);
        }

        return services;
    }
}
