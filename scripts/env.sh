# Sourced by ./loupe and ./run-tests: finds a JDK >= 25 and Maven, and says what to install when missing.

loupe_java_major() { # prints the major version of the java at $1, or nothing
  "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}

loupe_find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64)
  for d in /usr/lib/jvm/*; do candidates+=("$d"); done
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ]; then
      local major
      major=$(loupe_java_major "$home/bin/java")
      if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then
        export JAVA_HOME="$home"
        return 0
      fi
    fi
  done
  cat >&2 <<MSG
loupe: no JDK 25 or newer found (looked at JAVA_HOME=${JAVA_HOME:-unset} and /usr/lib/jvm/*).
Install one, for example Eclipse Temurin 25 (package temurin-25-jdk from the Adoptium apt repository),
then run again or point JAVA_HOME at it.
MSG
  return 1
}

loupe_need_maven() {
  if command -v mvn >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "loupe: installing Maven (apt-get install maven)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null || return 1
    return 0
  fi
  echo "loupe: Maven 3.8+ is needed to build Loupe: sudo apt-get install maven" >&2
  return 1
}

# Installs Debian packages that are missing (root only); prints what it installs.
loupe_apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "loupe: missing packages ${missing[*]}: install them with: sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
  echo "loupe: installing ${missing[*]} (apt-get)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Preloads the JDK's signal chaining library (libjsig) for the java started next. PoCL compiles OpenCL kernels
# with LLVM, which replaces the JVM's SIGSEGV, SIGBUS and SIGILL handlers with its own one-shot ones; the JVM
# raises SIGSEGV itself (null checks, safepoint polls), so it could later die with a bare "Segmentation fault".
# With libjsig the JVM's handlers stay and chain to LLVM's. Call after loupe_find_jdk.
loupe_chain_signals() {
  local jsig="$JAVA_HOME/lib/libjsig.so"
  [ -f "$jsig" ] || return 0
  case ":${LD_PRELOAD:-}:" in *":$jsig:"*) return 0 ;; esac
  export LD_PRELOAD="$jsig${LD_PRELOAD:+:$LD_PRELOAD}"
}

LOUPE_JVM_FLAGS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
