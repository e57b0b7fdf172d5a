#!/bin/bash
# The classic client-reconfig-script of the blog posts (the seed's bash hook),
# as bench:hook runs it beside vipctl. The blog hard-codes the four values
# below per host; here they come from the environment (bench/hook.bench.ts
# sets them), so one file serves every run. src/lab/files.ts (bashHookScript)
# writes the same script for the lab's `bash` mode.
#   Sentinel calls: <master-name> <role> <state> <from-ip> <from-port> <to-ip> <to-port>
LOCAL_IP=${LOCAL_IP:?}
MASTER_IP=$6
VIP=${VIP:?}
NETMASK=${NETMASK:?}
INTERFACE=${INTERFACE:?}
if [ ${MASTER_IP} = ${LOCAL_IP} ]; then
    ip addr add ${VIP}/${NETMASK} dev ${INTERFACE}
    arping -q -c 3 -A -I ${INTERFACE} ${VIP}
    exit 0
else
    ip addr del ${VIP}/${NETMASK} dev ${INTERFACE}
    exit 0
fi
exit 1
