/* SPDX-License-Identifier: MIT */
/*
 * kfunc.c - the running kernel's BTF, for kfunc ids and attach targets.  vmlinux BTF
 * (/sys/kernel/btf/vmlinux) is read once per process; module BTF objects are walked
 * with BPF_BTF_GET_NEXT_ID only when a name is not in vmlinux, and each module found
 * keeps its fd open, because a kfunc call names its module through fd_array.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/kernel.h"

struct kmod {
	struct btf *btf;
	int fd;
};

static pthread_once_t vmlinux_once = PTHREAD_ONCE_INIT;
static struct btf *vmlinux;
static int vmlinux_err;

static pthread_mutex_t mods_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kmod *mods;
static uint32_t mod_cnt;
static bool mods_loaded;

static void load_vmlinux(void)
{
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		vmlinux_err = errno ? errno : ENOENT;
}

const struct btf *bpfx_kernel_vmlinux_btf(void)
{
	pthread_once(&vmlinux_once, load_vmlinux);
	if (!vmlinux)
		errno = vmlinux_err;
	return vmlinux;
}

int bpfx_kernel_vmlinux_find(const char *name, int kind)
{
	const struct btf *v = bpfx_kernel_vmlinux_btf();
	int id;

	if (!v)
		return -ENOENT;
	id = btf__find_by_name_kind(v, name, (uint32_t)kind);
	return id > 0 ? id : -ENOENT;
}

/* One kernel BTF object: keep it if it is a module's (split on vmlinux). */
static void add_module(uint32_t id)
{
	char name[64];
	struct kmod *m;
	int fd = bpfx_sys_btf_fd_by_id(id);

	if (fd < 0)
		return;
	if (bpfx_sys_btf_name(fd, name, sizeof(name)) || !strcmp(name, "vmlinux"))
		goto drop;
	m = realloc(mods, (mod_cnt + 1) * sizeof(*mods));
	if (!m)
		goto drop;
	mods = m;
	mods[mod_cnt].btf = btf__load_from_kernel_by_id_split(id, vmlinux);
	if (!mods[mod_cnt].btf)
		goto drop;
	mods[mod_cnt++].fd = fd;
	return;
drop:
	close(fd);
}

static void load_modules(void)
{
	uint32_t id = 0;

	if (mods_loaded)
		return;
	mods_loaded = true;
	while (!bpfx_sys_btf_next_id(id, &id))
		add_module(id);
}

static int find_in_modules(const char *name, uint32_t *btf_id, int *btf_fd)
{
	uint32_t i;
	int id, ret = -ENOENT;

	pthread_mutex_lock(&mods_lock);
	load_modules();
	for (i = 0; i < mod_cnt && ret; i++) {
		id = btf__find_by_name_kind(mods[i].btf, name, BTF_KIND_FUNC);
		if (id > 0) {
			*btf_id = (uint32_t)id;
			*btf_fd = mods[i].fd;
			ret = 0;
		}
	}
	pthread_mutex_unlock(&mods_lock);
	return ret;
}

int bpfx_kernel_kfunc_find(const char *name, uint32_t *btf_id, int *btf_fd)
{
	int id = bpfx_kernel_vmlinux_find(name, BTF_KIND_FUNC);

	if (id > 0) {
		*btf_id = (uint32_t)id;
		*btf_fd = -1;
		return 0;
	}
	if (!bpfx_kernel_vmlinux_btf())
		return -ENOENT;
	return find_in_modules(name, btf_id, btf_fd);
}
