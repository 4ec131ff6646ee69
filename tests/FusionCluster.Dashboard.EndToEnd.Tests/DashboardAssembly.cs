using FusionCluster.Dashboard.EndToEnd.Tests;

// One dashboard, silo and browser for every test of the assembly.
[assembly: AssemblyFixture(typeof(DashboardHost))]
