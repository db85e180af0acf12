using System.CommandLine;

namespace Aos.Cli.Commands;

/// <summary>Builds the <c>aos</c> command tree.</summary>
internal static class AosCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("AOS — the Agent Operating System. 'aos up' runs a node; the other verbs talk to one.");
        root.Add(CliOptions.Server);
        root.Add(CliOptions.ApiKey);
        root.Add(CliOptions.Tenant);
        root.Add(CliOptions.Json);
        root.Add(UpCommand.Create());
        root.Add(AgentsCommand.Create());
        root.Add(PublishCommand.Create());
        root.Add(MessagesCommand.Create());
        root.Add(StateMachineCommand.Create());
        root.Add(ApprovalsCommand.Create());
        root.Add(WorkflowsCommand.Create());
        root.Add(StatusCommand.Create());
        root.Add(KeysCommand.Create());
        root.Add(LoginCommand.CreateLogin());
        root.Add(LoginCommand.CreateLogout());
        root.Add(UsersCommand.Create());
        root.Add(RolesCommand.Create());
        root.Add(TenantsCommand.Create());
        root.Add(ComplianceCommand.Create());
        root.Add(AuditCommand.Create());
        root.Add(PoliciesCommand.Create());
        root.Add(RisksCommand.Create());
        root.Add(DecisionsCommand.Create());
        root.Add(BackupCommand.CreateBackup());
        root.Add(BackupCommand.CreateRestore());
        return root;
    }
}
