/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pingpong: two VMs exchange messages over khvctl's NIC (run --vms 2, or
 * two khvctl on --net unix:PATH). The role comes from RBX, the VM index
 * (--reg rbx=N overrides it): VM 0 pings, every other VM answers. Rounds
 * come from RCX (--reg rcx=N); 0 means 3.
 *
 * Round i: VM 0 sends "ping i from vm 0" until "pong i from vm V" comes
 * back (it sends again after RESEND polls without an answer: a frame sent
 * before the peer was linked is lost). VM V prints each new ping and
 * answers every ping it has seen. Each side prints what it received and
 * a last line, then halts with interrupts off (status 0):
 *   vm0: pingpong: vm 0 got "pong 0 from vm 1"   ...
 *   vm1: pingpong: vm 1 got "ping 0 from vm 0"   ...
 *   "pingpong: vm V done, 3 rounds"
 * No NIC: "pingpong: no NIC", status 3. A receive that fails: status 5.
 * Only vCPU 0 runs; the others halt.
 */
#include "guest.h"

#define RESEND		2000		/* polls of NIC_STATUS */
#define ROUNDS		3

	.code64
	.section .text.entry, "ax"
	.globl _start
_start:
	test %rdi, %rdi
	jnz halt
	cld
	sti				/* let the host's interrupts in */
	mov %rbx, %r12			/* VM index: the role */
	mov %rcx, %r13			/* rounds */
	test %r13, %r13
	jnz 1f
	mov $ROUNDS, %r13
1:	mov $NIC_ID, %dx
	in %dx, %eax
	cmp $NIC_MAGIC, %eax
	je 2f
	call console_lock
	lea msg_nonic(%rip), %rsi
	call puts
	call console_unlock
	mov $1, %eax
	jmp fail
2:	xor %r14d, %r14d		/* round */
	test %r12, %r12
	jnz answer

/* VM 0: ping, wait for the matching pong, resend now and then. */
ping:
	lea msg_ping(%rip), %rsi
	call make_frame
	call nic_send
	mov $RESEND, %r15d
1:	mov $NIC_STATUS, %dx
	in %dx, %eax
	test $NIC_S_RX, %eax
	jnz 2f
	pause
	dec %r15d
	jnz 1b
	jmp ping			/* nothing came back: send again */
2:	call nic_recv
	lea msg_pong(%rip), %rsi
	call match
	jne 1b				/* a stale or foreign frame */
	call print_got
	inc %r14
	cmp %r13, %r14
	jb ping
	jmp done

/* The others: answer every ping up to the newest, print each new one. */
answer:
	call nic_wait
	call nic_recv
	lea msg_ping(%rip), %rsi
	lea rxbuf(%rip), %rdi
	call strpre
	jne answer
	lea rxbuf+5(%rip), %rsi
	call decget
	cmp %r14, %rax
	ja answer			/* not sent by a well-behaved VM 0 */
	jb 1f				/* a resent ping: answer again */
	call print_got
	inc %r14
1:	push %r14
	mov %rax, %r14			/* answer with its number */
	lea msg_pong(%rip), %rsi
	call make_frame
	pop %r14
	call nic_send
	cmp %r13, %r14
	jb answer

done:
	call console_lock
	lea msg_pp(%rip), %rsi
	call puts
	mov %r12, %rax
	call putdec
	lea msg_done(%rip), %rsi
	call puts
	mov %r13, %rax
	call putdec
	lea msg_rounds(%rip), %rsi
	call puts
	call console_unlock
halt:
	cli
	hlt
	jmp halt

/* make_frame: "%rsi %r14 from vm %r12" in txbuf; its length in %r8. */
make_frame:
	push %rax
	push %rdi
	lea txbuf(%rip), %rdi
	call strput
	mov %r14, %rax
	call decput
	lea msg_from(%rip), %rsi
	call strput
	mov %r12, %rax
	call decput
	lea txbuf(%rip), %r8
	sub %r8, %rdi
	mov %rdi, %r8
	pop %rdi
	pop %rax
	ret

/* nic_send: send %r8 bytes of txbuf. A dropped frame is not an error. */
nic_send:
	push %rax
	push %rdx
	mov $NIC_ADDR, %dx
	lea txbuf(%rip), %rax
	out %eax, %dx
	mov $NIC_TX_LEN, %dx
	mov %r8d, %eax
	out %eax, %dx
	mov $NIC_CMD, %dx
	mov $NIC_SEND, %eax
	out %eax, %dx
	pop %rdx
	pop %rax
	ret

/* nic_wait: poll until a frame is waiting. */
nic_wait:
	push %rax
	push %rdx
	mov $NIC_STATUS, %dx
1:	in %dx, %eax
	test $NIC_S_RX, %eax
	jnz 2f
	pause
	jmp 1b
2:	pop %rdx
	pop %rax
	ret

/* nic_recv: the waiting frame into rxbuf, NUL-terminated. */
nic_recv:
	push %rax
	push %rcx
	push %rdx
	mov $NIC_RX_LEN, %dx
	in %dx, %eax
	mov %eax, %ecx
	cmp $NIC_MAX_FRAME, %ecx
	ja 1f
	mov $NIC_ADDR, %dx
	lea rxbuf(%rip), %rax
	out %eax, %dx
	mov $NIC_CMD, %dx
	mov $NIC_RECV, %eax
	out %eax, %dx
	in %dx, %eax			/* result */
	test %eax, %eax
	jnz 1f
	lea rxbuf(%rip), %rax
	movb $0, (%rax, %rcx)
	pop %rdx
	pop %rcx
	pop %rax
	ret
1:	mov $2, %eax
	jmp fail

/* match: ZF set when rxbuf is "%rsi" followed by the number %r14. */
match:
	push %rax
	push %rsi
	push %rdi
	lea rxbuf(%rip), %rdi
	call strpre
	jne 1f
	lea rxbuf+5(%rip), %rsi		/* "ping " and "pong " are 5 bytes */
	call decget
	cmp %r14, %rax
1:	pop %rdi
	pop %rsi
	pop %rax
	ret

/* print_got: "pingpong: vm %r12 got "rxbuf"". */
print_got:
	push %rax
	push %rcx
	push %rsi
	call console_lock
	lea msg_pp(%rip), %rsi
	call puts
	mov %r12, %rax
	call putdec
	lea msg_got(%rip), %rsi
	call puts
	lea rxbuf(%rip), %rsi
	mov $NIC_MAX_FRAME, %ecx
	call puttext
	mov $'"', %al
	call putc
	mov $'\n', %al
	call putc
	call console_unlock
	pop %rsi
	pop %rcx
	pop %rax
	ret

	.section .rodata
msg_nonic:
	.asciz "pingpong: no NIC\n"
msg_ping:
	.asciz "ping "
msg_pong:
	.asciz "pong "
msg_from:
	.asciz " from vm "
msg_pp:
	.asciz "pingpong: vm "
msg_got:
	.asciz " got \""
msg_done:
	.asciz " done, "
msg_rounds:
	.asciz " rounds\n"

	.bss
txbuf:
	.skip NIC_MAX_FRAME
rxbuf:
	.skip NIC_MAX_FRAME + 1
