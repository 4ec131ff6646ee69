{{/*
Names and labels.
*/}}
{{- define "fusioncluster.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full name prefix of every resource, truncated so that "<fullname>-coordinator" (12 more
characters) still fits the 63 characters of a label value and a DNS label.
*/}}
{{- define "fusioncluster.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "fusioncluster.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "fusioncluster.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fusioncluster.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "fusioncluster.labels" -}}
helm.sh/chart: {{ include "fusioncluster.chart" . }}
{{ include "fusioncluster.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: fusioncluster
{{- end }}

{{/* Labels of one component: dict "root" $ "component" "worker" */}}
{{- define "fusioncluster.componentLabels" -}}
{{ include "fusioncluster.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Selector labels of one component: dict "root" $ "component" "worker" */}}
{{- define "fusioncluster.componentSelectorLabels" -}}
{{ include "fusioncluster.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "fusioncluster.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "fusioncluster.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Orleans ClusterId: cluster.id or the release name. */}}
{{- define "fusioncluster.clusterId" -}}
{{- default .Release.Name .Values.cluster.id }}
{{- end }}

{{/* The Orleans ServiceId: cluster.serviceId or the release name. */}}
{{- define "fusioncluster.serviceId" -}}
{{- default .Release.Name .Values.cluster.serviceId }}
{{- end }}

{{/*
An image reference: dict "root" $ "image" .Values.silo.image. The registry is imageRegistry, else the
image's own registry (if any); a digest pins the image and wins over the tag.
*/}}
{{- define "fusioncluster.image" -}}
{{- $registry := default (default "" .image.registry) .root.Values.imageRegistry | trimSuffix "/" }}
{{- $repository := .image.repository }}
{{- if $registry }}
{{- $repository = printf "%s/%s" $registry .image.repository }}
{{- end }}
{{- if .image.digest }}
{{- printf "%s@%s" $repository .image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .root.Chart.AppVersion .image.tag | toString) }}
{{- end }}
{{- end }}

{{/* A pod's nodeSelector: the pool's own plus kubernetes.io/arch (architecture): dict "root" $ "nodeSelector" .nodeSelector */}}
{{- define "fusioncluster.nodeSelector" -}}
{{- $selector := deepCopy (default dict .nodeSelector) }}
{{- if and .root.Values.architecture (not (hasKey $selector "kubernetes.io/arch")) }}
{{- $_ := set $selector "kubernetes.io/arch" .root.Values.architecture }}
{{- end }}
{{- with $selector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Labels that select this release's silos (workers and coordinators) in a NetworkPolicy. */}}
{{- define "fusioncluster.siloPeerLabels" -}}
{{ include "fusioncluster.selectorLabels" . }}
fusioncluster.io/silo: "true"
{{- end }}

{{/*
Secrets.
*/}}

{{/* The chart's own Secret: blob connection string and external Redis connection string. */}}
{{- define "fusioncluster.secretName" -}}
{{- include "fusioncluster.fullname" . }}
{{- end }}

{{- define "fusioncluster.redisSecretName" -}}
{{- default (printf "%s-redis" (include "fusioncluster.fullname" .)) .Values.redis.auth.existingSecret }}
{{- end }}

{{- define "fusioncluster.dashboardUsersSecretName" -}}
{{- default (printf "%s-dashboard-users" (include "fusioncluster.fullname" .)) .Values.dashboard.auth.existingSecret }}
{{- end }}

{{/* True when the chart's own Secret has anything to hold. */}}
{{- define "fusioncluster.hasSecret" -}}
{{- if or (and .Values.storage.azure.connectionString (not .Values.storage.azure.existingSecret)) (and (not .Values.redis.enabled) .Values.redis.external.connectionString (not .Values.redis.external.existingSecret)) }}true{{ end }}
{{- end }}

{{/*
Redis.
*/}}

{{- define "fusioncluster.redisHost" -}}
{{- printf "%s-redis.%s.svc.%s" (include "fusioncluster.fullname" .) .Release.Namespace .Values.clusterDomain }}
{{- end }}

{{/*
Environment variables that give a container the Redis connection string under the variable named
"name": dict "root" $ "name" "FUSION_REDIS". For the in-chart Redis with a password, the password
comes from its Secret as FUSION_REDIS_PASSWORD and Kubernetes substitutes $(FUSION_REDIS_PASSWORD)
into the connection string (it must be defined first, as it is here).
*/}}
{{- define "fusioncluster.redisEnv" -}}
{{- $root := .root }}
{{- $redis := $root.Values.redis }}
{{- if $redis.enabled }}
{{- $address := printf "%s:%v" (include "fusioncluster.redisHost" $root) $redis.port }}
{{- if $redis.auth.enabled }}
- name: FUSION_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "fusioncluster.redisSecretName" $root }}
      key: {{ $redis.auth.existingSecretPasswordKey }}
- name: {{ .name }}
  value: {{ printf "%s,password=$(FUSION_REDIS_PASSWORD)" $address | quote }}
{{- else }}
- name: {{ .name }}
  value: {{ $address | quote }}
{{- end }}
{{- else if $redis.external.existingSecret }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ $redis.external.existingSecret }}
      key: {{ $redis.external.existingSecretKey }}
{{- else if $redis.external.connectionString }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "fusioncluster.secretName" $root }}
      key: redis-connection
{{- else }}
{{- fail "redis.enabled is false: set redis.external.connectionString or redis.external.existingSecret" }}
{{- end }}
{{- end }}

{{/*
Environment variables for blob storage: dict "root" $ "connectionVariable" "FUSION_BLOB_CONNECTION".
*/}}
{{- define "fusioncluster.storageEnv" -}}
{{- $azure := .root.Values.storage.azure }}
{{- if or $azure.existingSecret $azure.connectionString }}
- name: {{ .connectionVariable }}
  valueFrom:
    secretKeyRef:
      {{- if $azure.existingSecret }}
      name: {{ $azure.existingSecret }}
      key: {{ $azure.existingSecretKey }}
      {{- else }}
      name: {{ include "fusioncluster.secretName" .root }}
      key: blob-connection
      {{- end }}
{{- else if $azure.accountUrl }}
- name: Fusion__Storage__Azure__AccountUrl
  value: {{ $azure.accountUrl | quote }}
{{- end }}
{{- end }}

{{/*
Resources from {cpu, memory, cpuLimit, ephemeralStorage} plus an optional GPU count: memory request
equals its limit, CPU has a request and an optional limit, GPUs are requested and limited alike.
dict "resources" .resources "gpu" .gpu
*/}}
{{- define "fusioncluster.siloResources" -}}
{{- $res := .resources }}
{{- $gpuCount := int (dig "count" 0 (default dict .gpu)) }}
{{- $gpuName := dig "resourceName" "nvidia.com/gpu" (default dict .gpu) }}
{{- if not $res.memory }}{{ fail "a silo pool needs resources.memory (it is both request and limit)" }}{{ end }}
requests:
  {{- if $res.cpu }}
  cpu: {{ $res.cpu | quote }}
  {{- end }}
  memory: {{ $res.memory | quote }}
  {{- if $res.ephemeralStorage }}
  ephemeral-storage: {{ $res.ephemeralStorage | quote }}
  {{- end }}
  {{- if gt $gpuCount 0 }}
  {{ $gpuName }}: {{ $gpuCount | quote }}
  {{- end }}
limits:
  {{- if $res.cpuLimit }}
  cpu: {{ $res.cpuLimit | quote }}
  {{- end }}
  memory: {{ $res.memory | quote }}
  {{- if $res.ephemeralStorage }}
  ephemeral-storage: {{ $res.ephemeralStorage | quote }}
  {{- end }}
  {{- if gt $gpuCount 0 }}
  {{ $gpuName }}: {{ $gpuCount | quote }}
  {{- end }}
{{- end }}

{{/*
DOTNET_PROCESSOR_COUNT of a silo pool, or nothing: dict "processorCount" .processorCount "resources" .resources
"request" rounds the CPU request up ("500m" -> 1, "2" -> 2, "2.5" -> 3) when there is no CPU limit.
*/}}
{{- define "fusioncluster.processorCount" -}}
{{- $setting := toString (default "" .processorCount) }}
{{- if eq $setting "request" }}
{{- if and .resources.cpu (not .resources.cpuLimit) }}
{{- $cpu := toString .resources.cpu }}
{{- $cores := 0.0 }}
{{- if hasSuffix "m" $cpu }}
{{- $cores = divf (trimSuffix "m" $cpu | float64) 1000 }}
{{- else }}
{{- $cores = float64 $cpu }}
{{- end }}
{{- max 1 (ceil $cores | int) }}
{{- end }}
{{- else if $setting }}
{{- if not (regexMatch "^[1-9][0-9]*$" $setting) }}{{ fail (printf "processorCount must be \"request\", \"\" or a whole number greater than 0, not %q" $setting) }}{{ end }}
{{- $setting }}
{{- end }}
{{- end }}

{{/* terminationGracePeriodSeconds of a silo pool: dict "root" $ "values" .Values.worker "pool" "worker" */}}
{{- define "fusioncluster.siloGracePeriod" -}}
{{- $shutdown := int .root.Values.silo.shutdownTimeoutSeconds }}
{{- if lt $shutdown 1 }}{{ fail "silo.shutdownTimeoutSeconds must be at least 1" }}{{ end }}
{{- $grace := .values.terminationGracePeriodSeconds }}
{{- if or (kindIs "invalid" $grace) (eq (toString $grace) "") }}
{{- add $shutdown 15 }}
{{- else if le (int $grace) $shutdown }}
{{- fail (printf "%s.terminationGracePeriodSeconds (%v) must be larger than silo.shutdownTimeoutSeconds (%d): Kubernetes would kill silos before they leave the cluster" .pool $grace $shutdown) }}
{{- else }}
{{- int $grace }}
{{- end }}
{{- end }}

{{/* Checks that apply to the whole release. */}}
{{- define "fusioncluster.validate" -}}
{{- if not (regexMatch "^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$" (include "fusioncluster.clusterId" .)) }}
{{- fail "cluster.id must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (it is also a pod label)" }}
{{- end }}
{{- if not (regexMatch "^[A-Za-z0-9._-]{1,63}$" (include "fusioncluster.serviceId" .)) }}
{{- fail "cluster.serviceId (default: the release name) must be 1-63 letters, digits, '.', '-' or '_'" }}
{{- end }}
{{- if eq (toString .Values.silo.siloPort) (toString .Values.silo.gatewayPort) }}
{{- fail "silo.siloPort and silo.gatewayPort must differ" }}
{{- end }}
{{- if has (toString .Values.silo.healthPort) (list (toString .Values.silo.siloPort) (toString .Values.silo.gatewayPort)) }}
{{- fail "silo.healthPort must differ from silo.siloPort and silo.gatewayPort" }}
{{- end }}
{{- if not (has (toString .Values.worker.device) (list "auto" "cpu" "cuda")) }}
{{- fail (printf "worker.device must be auto, cpu or cuda, not %q" (toString .Values.worker.device)) }}
{{- end }}
{{- if and .Values.redis.enabled .Values.redis.auth.enabled .Values.redis.auth.password (contains "," .Values.redis.auth.password) }}
{{- fail "redis.auth.password must not contain a comma (it goes into a StackExchange.Redis connection string)" }}
{{- end }}
{{- range $name, $user := .Values.dashboard.auth.users }}
{{- if or (not (regexMatch "^[A-Za-z0-9._-]{1,64}$" $name)) (contains "__" $name) }}
{{- fail (printf "dashboard.auth.users: %q is not a usable user name (1-64 letters, digits, '.', '-', '_', without \"__\")" $name) }}
{{- end }}
{{- if not (has (toString (default "" $user.role)) (list "viewer" "operator")) }}
{{- fail (printf "dashboard.auth.users.%s.role must be viewer or operator" $name) }}
{{- end }}
{{- if not (hasPrefix "pbkdf2-sha256$" (toString (default "" $user.passwordHash))) }}
{{- fail (printf "dashboard.auth.users.%s.passwordHash must be a hash (pbkdf2-sha256$...) made by `fusion dashboard hash-password`, never a password" $name) }}
{{- end }}
{{- end }}
{{- end }}

{{/* NetworkPolicy peers that may use the cluster as clients: this release's silos and dashboard, and labelled client pods. */}}
{{- define "fusioncluster.clientPeers" -}}
- podSelector:
    matchLabels:
      {{- include "fusioncluster.siloPeerLabels" . | nindent 6 }}
- podSelector:
    matchLabels:
      {{- include "fusioncluster.componentSelectorLabels" (dict "root" . "component" "dashboard") | nindent 6 }}
- podSelector:
    matchLabels:
      {{ .Values.networkPolicy.clientLabel }}: {{ .Release.Name | quote }}
{{- with .Values.networkPolicy.clientNamespaceSelector }}
- namespaceSelector:
    {{- toYaml . | nindent 4 }}
  podSelector:
    matchLabels:
      {{ $.Values.networkPolicy.clientLabel }}: {{ $.Release.Name | quote }}
{{- end }}
{{- end }}
