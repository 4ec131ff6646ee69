using FusionCluster.Silo;

return await SiloProgram.RunAsync(args);
