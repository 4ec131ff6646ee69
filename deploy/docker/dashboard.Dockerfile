# syntax=docker/dockerfile:1
#
# fusion-dashboard: the Blazor Server dashboard (src/FusionCluster.Dashboard). Build it from the
# repository root:
#
#   docker build -f deploy/docker/dashboard.Dockerfile -t fusioncluster/dashboard:dev .
#
# It is a client of a cluster: it runs with Fusion__Cluster__Redis=<redis> (the Helm chart sets it) and
# carries no grains, no Orleans server and no TorchSharp (FusionCluster.Client only).
# `docker run --rm -it fusioncluster/dashboard hash-password` prints a password hash for
# Fusion__Dashboard__Users__<name>__PasswordHash.
#
# Like silo.Dockerfile: framework-dependent linux-x64 publish, the aspnet runtime image, user "app".

ARG DOTNET_TAG=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_TAG} AS build
# linux-x64, like the silo image; publishing for one RID keeps other platforms' files out.
ARG RID=linux-x64
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
# All of src/: a list of projects here would silently fall behind the project graph. The NuGet cache mount keeps rebuilds fast.
COPY src/ src/
RUN --mount=type=cache,id=fusioncluster-nuget,target=/root/.nuget/packages \
    dotnet publish src/FusionCluster.Dashboard/FusionCluster.Dashboard.csproj -c Release -r ${RID} --self-contained false -nologo \
        -p:UseAppHost=false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_TAG} AS final
LABEL org.opencontainers.image.title="fusion-dashboard" \
      org.opencontainers.image.description="FusionCluster web dashboard (Blazor Server, an Orleans client of the cluster)"
WORKDIR /app
COPY --from=build /app ./
USER $APP_UID
# Kestrel on plain HTTP 8080 (the aspnet images' default, stated here); TLS ends at the ingress.
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "fusion-dashboard.dll"]
