/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-cgname: the pod, container, QoS and service names of cgroup paths
 * as kubelet (systemd and cgroupfs drivers), containerd, CRI-O, docker,
 * podman and systemd write them, on cgroup v2 and v1; and malformed names
 * (a UID or ID of the wrong length, not hex, a pod outside kubepods) give
 * no name rather than a wrong one. */
#include "config.h"
#include "cgname.h"
#include "test.h"

#include <string.h>

#define UID "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
#define UID_ "0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0"
#define STATIC_UID "8d3f1a6c0b2e4d5f9a7c6b5e4d3c2b1a"
#define ID "4c0b2f3e9d8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e"
#define ID63 "4c0b2f3e9d8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2"

static const struct {
	const char *path;
	const char *pod_uid, *container_id, *qos, *service;
} cases[] = {
	/* kubelet's systemd driver, containerd, cgroup v2 (and v1 memory: the same path) */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice/cri-containerd-" ID ".scope",
	  UID, ID, "burstable", "" },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice/crio-" ID ".scope",
	  UID, ID, "besteffort", "" },
	{ "/kubepods.slice/kubepods-pod" UID_ ".slice/docker-" ID ".scope", UID, ID, "guaranteed", "" },
	/* the pod's own cgroup, no container */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice", UID, "", "burstable", "" },
	/* a static pod: the md5 hex UID */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" STATIC_UID ".slice/cri-containerd-" ID ".scope",
	  STATIC_UID, ID, "burstable", "" },
	/* CRI-O's conmon is not the container */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice/crio-conmon-" ID ".scope",
	  UID, "", "burstable", "" },
	/* kind: --cgroup-root=/kubelet */
	{ "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" UID_
	  ".slice/cri-containerd-" ID ".scope", UID, ID, "besteffort", "" },
	{ "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod" UID_ ".slice/cri-containerd-" ID ".scope",
	  UID, ID, "guaranteed", "" },
	/* a process in a cgroup below the container's */
	{ "/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" ID ".scope/init", UID, ID, "guaranteed", "" },
	/* the cgroupfs driver */
	{ "/kubepods/burstable/pod" UID "/" ID, UID, ID, "burstable", "" },
	{ "/kubepods/besteffort/pod" UID "/crio-" ID, UID, ID, "besteffort", "" },
	{ "/kubepods/pod" UID "/" ID, UID, ID, "guaranteed", "" },
	{ "/kubepods/pod" STATIC_UID "/" ID, STATIC_UID, ID, "guaranteed", "" },
	{ "/kubepods/burstable/pod" UID, UID, "", "burstable", "" },
	/* systemd services and sessions */
	{ "/system.slice/nginx.service", "", "", NULL, "nginx.service" },
	{ "/system.slice/system-getty.slice/getty@tty1.service", "", "", NULL, "getty@tty1.service" },
	{ "/system.slice/containerd.service", "", "", NULL, "containerd.service" },
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice/dbus.service", "", "", NULL, "dbus.service" },
	{ "/user.slice/user-1000.slice/user@1000.service/init.scope", "", "", NULL, "user@1000.service" },
	{ "/user.slice/user-1000.slice/session-3.scope", "", "", NULL, "session-3.scope" },
	{ "/system.slice/my\\x2dapp.service", "", "", NULL, "my\\x2dapp.service" },
	/* docker and podman outside Kubernetes */
	{ "/system.slice/docker-" ID ".scope", "", ID, NULL, "" },
	{ "/docker/" ID, "", ID, NULL, "" },
	{ "/machine.slice/libpod-" ID ".scope", "", ID, NULL, "" },
	/* rootless kubelet (the user's systemd) */
	{ "/user.slice/user-1001.slice/user@1001.service/user.slice/cri-containerd-" ID ".scope",
	  "", ID, NULL, "user@1001.service" },
	/* seen from a cgroup namespace (pfx in a container): relative paths */
	{ "/../../../kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice/cri-containerd-" ID ".scope",
	  UID, ID, "burstable", "" },
	{ "/../../kubepods-burstable-pod" UID_ ".slice/cri-containerd-" ID ".scope", UID, ID, "burstable", "" },
	{ "/../../kubepods-pod" UID_ ".slice/cri-containerd-" ID ".scope", UID, ID, "guaranteed", "" },
	{ "/../../kubelet-kubepods-besteffort-pod" UID_ ".slice/crio-" ID ".scope", UID, ID, "besteffort", "" },
	{ "/../../../burstable/pod" UID "/" ID, UID, ID, "burstable", "" },
	{ "/../pod" UID "/" ID, UID, ID, NULL, "" },
	{ "/../cri-containerd-" ID ".scope", "", ID, NULL, "" },
	{ "/../../system.slice/nginx.service", "", "", NULL, "nginx.service" },
	/* ... but not a slice without kubepods in its name, nor ".." inside */
	{ "/../../foo-pod" UID_ ".slice/cri-containerd-" ID ".scope", "", ID, NULL, "" },
	{ "/x/../kubepods-burstable-pod" UID_ ".slice", "", "", NULL, "" },
	{ "/../x/pod" UID "/" ID, "", "", NULL, "" },
	/* nothing to name */
	{ "/", "", "", NULL, "" },
	{ "", "", "", NULL, "" },
	{ "/init.scope", "", "", NULL, "" },
	{ "/kubepods.slice", "", "", NULL, "" },
	{ "/kubepods/burstable", "", "", NULL, "" },
	{ "/system.slice/.service", "", "", NULL, "" },
	{ "/system.slice/bad name.service", "", "", NULL, "" },
	/* malformed: no label rather than a wrong one */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ "0.slice/cri-containerd-" ID ".scope",
	  "", "", NULL, "" },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1fZ.slice",
	  "", "", NULL, "" },
	/* dashes where the systemd driver writes "_" */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID ".slice", "", "", NULL, "" },
	/* "_" where cgroupfs keeps dashes */
	{ "/kubepods/burstable/pod" UID_ "/" ID, "", "", NULL, "" },
	/* upper-case hex is not what kubelet writes */
	{ "/kubepods/pod0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0/" ID, "", "", NULL, "" },
	/* container ID of 63 digits, of 65, not hex, unknown runtime */
	{ "/kubepods/burstable/pod" UID "/" ID63, UID, "", "burstable", "" },
	{ "/kubepods/burstable/pod" UID "/" ID "0", UID, "", "burstable", "" },
	{ "/kubepods/burstable/pod" UID "/" ID63 "g", UID, "", "burstable", "" },
	{ "/kubepods.slice/kubepods-pod" UID_ ".slice/rkt-" ID ".scope", UID, "", "guaranteed", "" },
	/* a pod slice whose parent slice is not its prefix */
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-burstable-pod" UID_ ".slice", "", "", NULL, "" },
	/* a QoS word that is not kubelet's */
	{ "/kubepods/gold/pod" UID "/" ID, "", "", NULL, "" },
	/* pod cgroups outside a kubepods tree */
	{ "/burstable/pod" UID "/" ID, "", "", NULL, "" },
	{ "/system.slice/foo-pod" UID_ ".slice", "", "", NULL, "" },
	{ "/docker/" ID63, "", "", NULL, "" },
	{ "/system.slice/docker-" ID "0.scope", "", "", NULL, "" },
};

int main(void)
{
	struct pfx_cgname n;
	char buf[160], small[10];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *p = cases[i].path;
		bool any = pfx_cgname_parse(p, &n);

		CHECK(!strcmp(n.pod_uid, cases[i].pod_uid), "%s: pod_uid '%s'", p, n.pod_uid);
		CHECK(!strcmp(n.container_id, cases[i].container_id), "%s: container_id '%s'", p,
		      n.container_id);
		CHECK(cases[i].qos ? n.qos_class && !strcmp(n.qos_class, cases[i].qos) : !n.qos_class,
		      "%s: qos_class '%s'", p, n.qos_class ? n.qos_class : "(none)");
		CHECK(!strcmp(n.service, cases[i].service), "%s: service '%s'", p, n.service);
		CHECK_EQ(any, cases[i].pod_uid[0] || cases[i].container_id[0] || cases[i].service[0]);
	}
	CHECK(!pfx_cgname_parse(NULL, &n));

	/* the fields: only the known ones, in their order */
	{
		const char *key[PFX_CGNAME_NKEYS], *value[PFX_CGNAME_NKEYS];

		CHECK_EQ(pfx_cgname_fields("/kubepods/burstable/pod" UID "/" ID, &n, key, value), 3);
		CHECK(!strcmp(key[0], "pod_uid") && !strcmp(value[0], UID));
		CHECK(!strcmp(key[1], "container_id") && !strcmp(value[1], ID));
		CHECK(!strcmp(key[2], "qos_class") && !strcmp(value[2], "burstable"));
		CHECK_EQ(pfx_cgname_fields("/system.slice/nginx.service", &n, key, value), 1);
		CHECK(!strcmp(key[0], "service") && !strcmp(value[0], "nginx.service"));
		CHECK_EQ(pfx_cgname_fields("/../pod" UID "/" ID, &n, key, value), 2);
		CHECK_EQ(pfx_cgname_fields("/init.scope", &n, key, value), 0);
	}

	/* the short forms */
	pfx_cgname_parse("/kubepods/burstable/pod" UID "/" ID, &n);
	pfx_cgname_short(&n, buf, sizeof(buf));
	CHECK(!strcmp(buf, "pod " UID " container 4c0b2f3e9d8a (burstable)"), "'%s'", buf);
	CHECK_EQ(pfx_cgname_short(&n, small, sizeof(small)), strlen(buf));
	CHECK(!strcmp(small, "pod 0f1e2"), "'%s'", small);
	pfx_cgname_parse("/kubepods/pod" UID, &n);
	pfx_cgname_short(&n, buf, sizeof(buf));
	CHECK(!strcmp(buf, "pod " UID " (guaranteed)"), "'%s'", buf);
	pfx_cgname_parse("/../pod" UID "/" ID, &n);
	pfx_cgname_short(&n, buf, sizeof(buf));
	CHECK(!strcmp(buf, "pod " UID " container 4c0b2f3e9d8a"), "'%s'", buf);
	pfx_cgname_parse("/system.slice/nginx.service", &n);
	pfx_cgname_short(&n, buf, sizeof(buf));
	CHECK(!strcmp(buf, ""), "'%s'", buf);
	return test_exit();
}
