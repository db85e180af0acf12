using System.CommandLine;
using Aos.Cli.Commands;

return await AosCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
