/* SPDX-License-Identifier: MIT */
/*
 * sys.c - the bpf(2) commands the kernel loader uses, one small wrapper each.  Every
 * attr is zeroed whole first: the kernel refuses non-zero bytes past a command's last
 * field.  Returns are an fd or 0, or -errno.
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/kernel.h"

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	long ret;

	do
		ret = syscall(__NR_bpf, cmd, attr, sizeof(*attr));
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : (int)ret;
}

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Kernel object names: up to 15 characters of [A-Za-z0-9_.]. */
static void obj_name(char dst[BPF_OBJ_NAME_LEN], const char *src)
{
	size_t i;

	for (i = 0; src && src[i] && i < BPF_OBJ_NAME_LEN - 1; i++) {
		char c = src[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.';
		dst[i] = ok ? c : '_';
	}
	dst[i] = '\0';
}

int bpfx_sys_map_create(const struct bpfx_sys_map *m)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = m->type;
	a.key_size = m->key_size;
	a.value_size = m->value_size;
	a.max_entries = m->max_entries;
	a.map_flags = m->flags;
	obj_name(a.map_name, m->name);
	if (m->btf_fd >= 0 && m->btf_value_id) {
		a.btf_fd = (uint32_t)m->btf_fd;
		a.btf_key_type_id = m->btf_key_id;
		a.btf_value_type_id = m->btf_value_id;
	}
	return sys_bpf(BPF_MAP_CREATE, &a);
}

int bpfx_sys_map_update(int fd, const void *key, const void *value, uint64_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = ptr(key);
	a.value = ptr(value);
	a.flags = flags;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &a);
}

int bpfx_sys_map_freeze(int fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	return sys_bpf(BPF_MAP_FREEZE, &a);
}

int bpfx_sys_btf_load(const void *data, uint32_t size, char *log, uint32_t log_size)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.btf = ptr(data);
	a.btf_size = size;
	if (log && log_size) {
		log[0] = '\0';
		a.btf_log_buf = ptr(log);
		a.btf_log_size = log_size;
		a.btf_log_level = 1;
	}
	return sys_bpf(BPF_BTF_LOAD, &a);
}

int bpfx_sys_prog_load(const struct bpfx_sys_prog *p)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = p->type;
	a.insns = ptr(p->insns);
	a.insn_cnt = p->insn_cnt;
	a.license = ptr(p->license);
	a.expected_attach_type = p->expected_attach;
	a.prog_flags = p->flags;
	a.attach_btf_id = p->attach_btf_id;
	a.fd_array = ptr(p->fd_array);
	obj_name(a.prog_name, p->name);
	if (p->btf_fd >= 0) {
		a.prog_btf_fd = (uint32_t)p->btf_fd;
		a.func_info = ptr(p->func_info);
		a.func_info_cnt = p->func_info_cnt;
		a.func_info_rec_size = p->func_info_cnt ? sizeof(*p->func_info) : 0;
		a.line_info = ptr(p->line_info);
		a.line_info_cnt = p->line_info_cnt;
		a.line_info_rec_size = p->line_info_cnt ? sizeof(*p->line_info) : 0;
	}
	if (p->log && p->log_size) {
		p->log[0] = '\0';
		a.log_level = p->log_level;
		a.log_buf = ptr(p->log);
		a.log_size = p->log_size;
	}
	return sys_bpf(BPF_PROG_LOAD, &a);
}

int bpfx_sys_test_run(int prog_fd, struct bpfx_sys_test *t)
{
	union bpf_attr a;
	int err;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)prog_fd;
	a.test.data_in = ptr(t->data_in);
	a.test.data_size_in = t->data_size_in;
	a.test.data_out = ptr(t->data_out);
	a.test.data_size_out = t->data_out ? t->data_size_out : 0;
	a.test.ctx_in = ptr(t->ctx_in);
	a.test.ctx_size_in = t->ctx_size_in;
	a.test.ctx_out = ptr(t->ctx_out);
	a.test.ctx_size_out = t->ctx_out ? t->ctx_size_out : 0;
	a.test.repeat = t->repeat;
	err = sys_bpf(BPF_PROG_TEST_RUN, &a);
	t->retval = a.test.retval;
	t->duration = a.test.duration;
	t->data_size_out = a.test.data_size_out;
	t->ctx_size_out = a.test.ctx_size_out;
	return err;
}

int bpfx_sys_btf_next_id(uint32_t id, uint32_t *next)
{
	union bpf_attr a;
	int err;

	memset(&a, 0, sizeof(a));
	a.start_id = id;
	err = sys_bpf(BPF_BTF_GET_NEXT_ID, &a);
	if (!err)
		*next = a.next_id;
	return err;
}

int bpfx_sys_btf_fd_by_id(uint32_t id)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.btf_id = id;
	return sys_bpf(BPF_BTF_GET_FD_BY_ID, &a);
}

int bpfx_sys_btf_name(int btf_fd, char *name, size_t size)
{
	struct bpf_btf_info info;
	union bpf_attr a;
	int err;

	if (!size)
		return -EINVAL;
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	name[0] = '\0';
	info.name = ptr(name);
	info.name_len = (uint32_t)size;
	a.info.bpf_fd = (uint32_t)btf_fd;
	a.info.info_len = sizeof(info);
	a.info.info = ptr(&info);
	err = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a);
	name[size - 1] = '\0';
	return err;
}
