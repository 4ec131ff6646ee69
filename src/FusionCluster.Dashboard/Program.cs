using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Security;

if (HashPasswordCommand.Matches(args))
{
    return HashPasswordCommand.Run(Console.In, Console.Out, Console.Error, interactive: !Console.IsInputRedirected);
}

var app = DashboardApp.Build(args);
await app.RunAsync();
return 0;
